import type { CreateContender } from "../contender.js";
import { sessionrowPrisma } from "./sessionrow-prisma.js";

/** sessionrow + Prisma with `rawSql: false`: every statement through the model API, for comparison. */
export const createContender: CreateContender = (context) => sessionrowPrisma(context, { rawSql: false, sharePool: false });
