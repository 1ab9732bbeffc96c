import { SessionManager } from "../../src/index.js";
import type { Contender, ContenderOptions, CreateContender } from "../contender.js";
import { BenchUserEntity } from "../bench-user-entity.js";
import { describeManager, sessionrowAdapter, sessionrowMiddlewareOptions } from "./sessionrow-adapter.js";
import { SessionrowSessionEntity, sessionrowDataSource } from "./sessionrow-typeorm-data-source.js";

/** sessionrow on a TypeORM DataSource, `preloadUser: true` (session and user in one LEFT JOIN). */
export const createContender: CreateContender = (context) => sessionrowTypeORM(context, { rawSql: true });

/** The contender with its store's statements sent as raw SQL (the default) or through the query builder. */
export async function sessionrowTypeORM({ databaseUrl, secret }: ContenderOptions, { rawSql }: { rawSql: boolean }): Promise<Contender> {
  const dataSource = await sessionrowDataSource(databaseUrl);
  const sessions = SessionManager.fromTypeORM(dataSource, {
    entity: SessionrowSessionEntity,
    userEntity: BenchUserEntity,
    secret,
    preloadUser: true,
    rawSql,
  });
  return {
    middleware: [sessions.express(sessionrowMiddlewareOptions)],
    session: sessionrowAdapter,
    settings: { manager: describeManager(sessions.options), rawSql, pool: "TypeORM postgres defaults (pg.Pool, max 10)" },
    close: () => dataSource.destroy(),
  };
}
