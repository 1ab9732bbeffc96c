
// README check: the sessions webSessions() loads have the Prisma User.
import type { User as CheckedUser } from "@/generated/prisma/client";
import { assertType } from "../type-check";

export async function readmeCheck(request: Request): Promise<void> {
  const checkedUser = await (await webSessions().load(request)).user();
  assertType<typeof checkedUser, CheckedUser | null>(true);
}
