import { SessionManager } from "../../src/index.js";
import type { CreateContender } from "../contender.js";
import { BenchUserEntity } from "../bench-user-entity.js";
import { describeManager, sessionrowAdapter, sessionrowMiddlewareOptions } from "./sessionrow-adapter.js";
import { SessionrowSessionEntity, sessionrowDataSource } from "./sessionrow-typeorm-data-source.js";

/** sessionrow on a TypeORM DataSource, `preloadUser: true` (session and user in one LEFT JOIN). */
export const createContender: CreateContender = async ({ databaseUrl, secret }) => {
  const dataSource = await sessionrowDataSource(databaseUrl);
  const sessions = SessionManager.fromTypeORM(dataSource, {
    entity: SessionrowSessionEntity,
    userEntity: BenchUserEntity,
    secret,
    preloadUser: true,
  });
  return {
    middleware: [sessions.express(sessionrowMiddlewareOptions)],
    session: sessionrowAdapter,
    settings: { manager: describeManager(sessions.options), pool: "TypeORM postgres defaults (pg.Pool, max 10)" },
    close: () => dataSource.destroy(),
  };
};
