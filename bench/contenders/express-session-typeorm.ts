import { TypeormStore } from "connect-typeorm";
import session from "express-session";
import { DataSource } from "typeorm";
import type { CreateContender } from "../contender.js";
import { BenchUserEntity } from "../bench-user-entity.js";
import { ConnectTypeormSessionEntity } from "../connect-typeorm-entity.js";
import { expressSessionAdapter, expressSessionOptions, expressSessionSettings } from "./express-session-adapter.js";

/** The store options from connect-typeorm's README (`limitSubquery` stays at its default, true, on PostgreSQL). */
const STORE_OPTIONS = { cleanupLimit: 2, ttl: 86400 };

/**
 * express-session + connect-typeorm on a TypeORM DataSource (postgres driver), with the README's
 * entity and options. The user row is read with the same DataSource.
 */
export const createContender: CreateContender = async ({ databaseUrl, secret }) => {
  const dataSource = new DataSource({
    type: "postgres",
    url: databaseUrl,
    entities: [BenchUserEntity, ConnectTypeormSessionEntity],
    synchronize: false,
  });
  await dataSource.initialize();
  const store = new TypeormStore(STORE_OPTIONS).connect(dataSource.getRepository(ConnectTypeormSessionEntity));
  const users = dataSource.getRepository(BenchUserEntity);
  return {
    middleware: [session(expressSessionOptions(store, secret))],
    session: expressSessionAdapter((id) => users.findOneBy({ id })),
    settings: { expressSession: expressSessionSettings, store: { ...STORE_OPTIONS, pool: "TypeORM postgres defaults (pg.Pool, max 10)" } },
    close: () => dataSource.destroy(),
  };
};
