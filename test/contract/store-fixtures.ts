import { randomUUID } from "node:crypto";
import type { UserId } from "../../src/index.js";
import { PrismaStore, type PrismaStoreOptions } from "../../src/prisma.js";
import { TypeORMStore } from "../../src/typeorm.js";
import { Account, User, type TypeORMTestDatabase } from "../support/typeorm.js";
import type { StoreFixture } from "./store-contract.js";

/** The User/Session and Account/AccountSession delegates of a generated client (PostgreSQL or MySQL). */
interface PrismaTestClient {
  user: {
    create(args: { data: { email: string; name: string } }): PromiseLike<{ id: number }>;
    delete(args: { where: { id: number } }): PromiseLike<unknown>;
  };
  account: {
    create(args: { data: { email: string } }): PromiseLike<{ id: string }>;
    delete(args: { where: { id: string } }): PromiseLike<unknown>;
  };
}

/**
 * Which statements a store sends: its own SQL through the ORM's raw-query API (the default), or the
 * ORM's query API; with Prisma, its own SQL straight to the app's `pg` pool (`pool`).
 */
export interface StorePath {
  rawSql?: boolean;
  pool?: PrismaStoreOptions["pool"];
}

/** The ORM stores lock rows through their raw-SQL path, which SQLite does not take. */
function locksRows(system: string, path: StorePath): boolean {
  return path.rawSql !== false && system !== "sqlite";
}

/** The ORM stores merge data through their raw-SQL path, on PostgreSQL only. */
function mergesData(system: string, path: StorePath): boolean {
  return path.rawSql !== false && system === "postgresql";
}

/**
 * Contract fixtures for a Prisma client, with int (User) and string (Account) user ids. The
 * database is shared and closed by the test file, so `close` does nothing.
 */
export function prismaFixtures(client: () => PrismaTestClient, system: string, path: StorePath = {}) {
  return {
    int: async (): Promise<StoreFixture<number>> => ({
      store: new PrismaStore<number, { id: number }>(client(), path),
      database: { system, collection: "Session" },
      locksRows: locksRows(system, path),
      mergesData: mergesData(system, path),
      createUser: async () => (await client().user.create({ data: { email: `${randomUUID()}@example.com`, name: "U" } })).id,
      deleteUser: async (id) => {
        await client().user.delete({ where: { id } });
      },
      close: async () => undefined,
    }),
    string: async (): Promise<StoreFixture<string>> => ({
      store: new PrismaStore<string, { id: string }>(client(), { sessionModel: "accountSession", userModel: "account", ...path }),
      database: { system, collection: "AccountSession" },
      locksRows: locksRows(system, path),
      mergesData: mergesData(system, path),
      createUser: async () => (await client().account.create({ data: { email: `${randomUUID()}@example.com` } })).id,
      deleteUser: async (id) => {
        await client().account.delete({ where: { id } });
      },
      close: async () => undefined,
    }),
  };
}

/**
 * Contract fixtures for a TypeORM DataSource, with int (User) and uuid (Account) user ids. The
 * database is shared and closed by the test file, so `close` does nothing.
 */
export function typeormFixtures(database: () => TypeORMTestDatabase, system: string, path: StorePath = {}) {
  function fixture<TUserId extends UserId>(
    entity: "Session" | "AccountSession",
    userEntity: typeof User | typeof Account,
    newUser: () => { id?: TUserId; email: string },
  ) {
    return async (): Promise<StoreFixture<TUserId>> => {
      const db = database();
      const users = db.dataSource.getRepository<{ id: TUserId; email: string }>(userEntity);
      return {
        store: new TypeORMStore<TUserId, { id: TUserId }>(db.dataSource, { entity: db[entity], ...path }),
        database: { system, collection: entity === "Session" ? "session" : "account_session" },
        locksRows: locksRows(system, path),
        mergesData: mergesData(system, path),
        createUser: async () => (await users.save(newUser())).id,
        deleteUser: async (id) => {
          await users.delete(id);
        },
        close: async () => undefined,
      };
    };
  }
  return {
    int: fixture<number>("Session", User, () => ({ email: `${randomUUID()}@example.com` })),
    string: fixture<string>("AccountSession", Account, () => ({ id: randomUUID(), email: `${randomUUID()}@example.com` })),
  };
}
