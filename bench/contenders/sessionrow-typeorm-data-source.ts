import { DataSource } from "typeorm";
import { createSessionEntity } from "../../src/typeorm.js";
import { BenchUserEntity } from "../bench-user-entity.js";

/**
 * sessionrow's TypeORM session entity on the table prisma/migrations created: `tableName: "Session"`
 * gives exactly that table's columns and constraint names, so both sessionrow contenders (and the raw
 * floor, the scale and the prune scenarios) read the same rows.
 */
export const SessionrowSessionEntity = createSessionEntity(BenchUserEntity, { tableName: "Session" });

/** An initialized DataSource (postgres driver, default pool) with the User and session entities. */
export async function sessionrowDataSource(databaseUrl: string): Promise<DataSource> {
  const dataSource = new DataSource({
    type: "postgres",
    url: databaseUrl,
    entities: [BenchUserEntity, SessionrowSessionEntity],
    synchronize: false,
  });
  return dataSource.initialize();
}
