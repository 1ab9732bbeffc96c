import type { CreateContender } from "../contender.js";
import { sessionrowTypeORM } from "./sessionrow-typeorm.js";

/** sessionrow + TypeORM with `rawSql: false`: every statement through the query builder, for comparison. */
export const createContender: CreateContender = (context) => sessionrowTypeORM(context, { rawSql: false });
