import type { ISession } from "connect-typeorm";
import { EntitySchema } from "typeorm";

/**
 * connect-typeorm's `Session` entity from its README, as an EntitySchema (no decorator metadata
 * needed under tsx), on the table database.ts creates for it: `session` is connect-pg-simple's
 * default table name.
 */
export const ConnectTypeormSessionEntity = new EntitySchema<ISession>({
  name: "ConnectTypeormSession",
  tableName: "connect_typeorm_session",
  columns: {
    expiredAt: { type: "bigint" },
    id: { type: "varchar", length: 255, primary: true },
    json: { type: "text" },
    destroyedAt: { type: "timestamp", deleteDate: true, nullable: true },
  },
  indices: [{ columns: ["expiredAt"] }],
});
