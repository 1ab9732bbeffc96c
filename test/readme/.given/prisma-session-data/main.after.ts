
// README check: SessionData declared by merging types the data of a manager made without withData().
import { SessionManager as CheckedManager } from "sessionrow";
import type { User as CheckedUser } from "./generated/prisma/client.js";
import { prisma as checkedPrisma } from "./prisma.js";
import { assertType } from "./type-check.js";

const checkedSessions = CheckedManager.fromPrisma(checkedPrisma, { secret: process.env.SESSION_SECRET! });
const checkedSession = await checkedSessions.load(undefined);
const checkedCart = checkedSession.get("cart");
assertType<typeof checkedCart, string[] | undefined>(true);
const checkedUser = await checkedSession.user();
assertType<typeof checkedUser, CheckedUser | null>(true);
