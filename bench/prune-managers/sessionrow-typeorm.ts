import { SessionManager } from "../../src/index.js";
import { BenchUserEntity } from "../bench-user-entity.js";
import { SessionrowSessionEntity, sessionrowDataSource } from "../contenders/sessionrow-typeorm-data-source.js";

/** The manager the prune job runs `prune()` on: sessionrow with its TypeORM store. */
export async function createManager(databaseUrl: string, secret: string) {
  const dataSource = await sessionrowDataSource(databaseUrl);
  const manager = SessionManager.fromTypeORM(dataSource, { entity: SessionrowSessionEntity, userEntity: BenchUserEntity, secret });
  return { manager, close: () => dataSource.destroy() };
}
