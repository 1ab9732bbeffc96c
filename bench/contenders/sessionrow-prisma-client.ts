import type { CreateContender } from "../contender.js";
import { sessionrowPrisma } from "./sessionrow-prisma.js";

/** sessionrow + Prisma without the `pool` option: the raw SQL goes through the client's `$queryRawUnsafe`, for comparison. */
export const createContender: CreateContender = (context) => sessionrowPrisma(context, { rawSql: true, sharePool: false });
