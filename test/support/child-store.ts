import { PrismaMariaDb } from "@prisma/adapter-mariadb";
import { PrismaPg } from "@prisma/adapter-pg";
import { DataSource, type DataSourceOptions } from "typeorm";
import type { SessionStore } from "../../src/index.js";
import { PrismaStore } from "../../src/prisma.js";
import { TypeORMStore } from "../../src/typeorm.js";
import { PrismaClient } from "../../generated/prisma/client.js";
import { PrismaClient as MysqlPrismaClient } from "../../generated/prisma-mysql/client.js";
import { PrismaClient as SqlitePrismaClient } from "../../generated/prisma-sqlite/client.js";
import { libsqlAdapter, sqliteDataSourceOptions } from "./sqlite.js";
import { Account, sessionEntities, User } from "./typeorm.js";

/** Opens, in a child process, the store a parent's `OpenedStore.childEnv` (sql-stores.ts) describes. */
export async function openStoreFromEnv(): Promise<{ store: SessionStore<number, { id: number }>; close(): Promise<void> }> {
  const kind = process.env.SESSIONROW_TEST_STORE;
  const url = process.env.SESSIONROW_TEST_URL!;
  if (kind === "prisma-postgres") {
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
    return { store: new PrismaStore<number, { id: number }>(prisma), close: () => prisma.$disconnect() };
  }
  if (kind === "prisma-mariadb") {
    const parsed = new URL(url);
    const prisma = new MysqlPrismaClient({
      adapter: new PrismaMariaDb({
        host: parsed.hostname,
        port: Number(parsed.port || 3306),
        user: decodeURIComponent(parsed.username),
        password: decodeURIComponent(parsed.password),
        database: parsed.pathname.slice(1),
      }),
    });
    return { store: new PrismaStore<number, { id: number }>(prisma), close: () => prisma.$disconnect() };
  }
  if (kind === "prisma-sqlite") {
    const prisma = new SqlitePrismaClient({ adapter: libsqlAdapter(url) });
    return { store: new PrismaStore<number, { id: number }>(prisma), close: () => prisma.$disconnect() };
  }
  if (kind === "typeorm-sqlite") {
    const entities = sessionEntities("better-sqlite3");
    const dataSource = new DataSource({ ...sqliteDataSourceOptions(url), entities: [User, Account, entities.Session, entities.AccountSession] });
    await dataSource.initialize();
    return {
      store: new TypeORMStore<number, { id: number }>(dataSource, { entity: entities.Session }),
      close: () => dataSource.destroy(),
    };
  }
  if (kind === "typeorm-postgres" || kind === "typeorm-mariadb") {
    const type = kind === "typeorm-postgres" ? "postgres" : "mariadb";
    const entities = sessionEntities(type);
    const dataSource = new DataSource({
      type,
      url,
      ...(type === "mariadb" ? { timezone: "Z" } : {}),
      entities: [User, Account, entities.Session, entities.AccountSession],
    } as DataSourceOptions);
    await dataSource.initialize();
    return {
      store: new TypeORMStore<number, { id: number }>(dataSource, { entity: entities.Session }),
      close: () => dataSource.destroy(),
    };
  }
  throw new Error(`Unknown SESSIONROW_TEST_STORE ${kind}`);
}
