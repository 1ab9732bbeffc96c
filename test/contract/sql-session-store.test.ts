// The driver-level store the CLI opens on a database URL, through the store contract on PostgreSQL
// (pg) and MariaDB (mysql2 and mariadb). It knows no user table, so the contract's user lookups go
// to the Prisma store on the same database: every session statement is the SQL store's own.
import type { SessionStore, UserId } from "../../src/index.js";
import { openMysqlExecutor } from "../../src/stores/sql/mysql-executor.js";
import { openPgExecutor } from "../../src/stores/sql/pg-executor.js";
import type { SqlExecutor } from "../../src/stores/sql/sql-executor.js";
import { SqlSessionStore } from "../../src/stores/sql/sql-session-store.js";
import { createMariaDbTestDatabase, type MariaDbTestDatabase } from "../support/mariadb.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";
import { describeStoreContract, makeRecord, type StoreFixture } from "./store-contract.js";
import { prismaFixtures } from "./store-fixtures.js";

let postgres: TestDatabase;
let mariadb: MariaDbTestDatabase;
const executors: SqlExecutor[] = [];

beforeAll(async () => {
  [postgres, mariadb] = await Promise.all([createTestDatabase(), createMariaDbTestDatabase()]);
});
afterAll(async () => {
  await Promise.all(executors.map((executor) => executor.close()));
  await Promise.all([postgres?.drop(), mariadb?.drop()]);
});

/** The SQL store for the sessions, the Prisma store for the user lookups the SQL store cannot do. */
function withPrismaUsers<TUserId extends UserId>(sql: SqlSessionStore<TUserId>, prisma: SessionStore<TUserId, { id: TUserId }>): SessionStore<TUserId, { id: TUserId }> {
  return {
    capabilities: sql.capabilities,
    load: async (id, options) => {
      const loaded = await sql.load(id);
      if (!loaded || !options?.withUser) return loaded;
      return { record: loaded.record, user: loaded.record.userId === null ? null : await prisma.loadUser(loaded.record.userId) };
    },
    insert: (record) => sql.insert(record),
    updateIfVersion: (id, version, update) => sql.updateIfVersion(id, version, update),
    mergeUpdate: (id, merge) => sql.mergeUpdate(id, merge),
    touch: (id, touch) => sql.touch(id, touch),
    delete: (id) => sql.delete(id),
    listByUser: (userId) => sql.listByUser(userId),
    deleteByUser: (userId, exceptId) => sql.deleteByUser(userId, exceptId),
    deleteExpired: (now, limit) => sql.deleteExpired(now, limit),
    iterate: (options) => sql.iterate(options),
    loadUser: (userId) => prisma.loadUser(userId),
  };
}

function sqlFixtures(client: () => TestDatabase["prisma"] | MariaDbTestDatabase["prisma"], open: () => Promise<SqlExecutor>) {
  const prisma = prismaFixtures(client as never, "unused");
  const fixture = <TUserId extends UserId>(prismaFixture: () => Promise<StoreFixture<TUserId>>, table: string) => async () => {
    const base = await prismaFixture();
    const executor = await open();
    executors.push(executor);
    // It names no database for telemetry: the CLI, its only user, records none.
    const mergesData = executor.dialect === "postgres";
    return { ...base, database: undefined, locksRows: false, mergesData, store: withPrismaUsers(new SqlSessionStore<TUserId>(executor, table), base.store) };
  };
  return { int: fixture(prisma.int, "Session"), string: fixture(prisma.string, "AccountSession") };
}

const POOL = { max: 4, connectTimeoutMs: 10_000 };
const MYSQL_POOL = { connectionLimit: 4, connectTimeoutMs: 10_000 };

const pg = sqlFixtures(() => postgres.prisma, () => openPgExecutor(postgres.url, POOL));
describeStoreContract("SqlSessionStore on PostgreSQL, pg (int user ids)", "int", pg.int);
describeStoreContract("SqlSessionStore on PostgreSQL, pg (string user ids)", "string", pg.string);

const mysql2 = sqlFixtures(() => mariadb.prisma, () => openMysqlExecutor(mariadb.url, MYSQL_POOL));
describeStoreContract("SqlSessionStore on MariaDB, mysql2 (int user ids)", "int", mysql2.int);

const mariadbDriver = sqlFixtures(() => mariadb.prisma, () => openMysqlExecutor(mariadb.url, { ...MYSQL_POOL, driver: "mariadb" }));
describeStoreContract("SqlSessionStore on MariaDB, mariadb driver (string user ids)", "string", mariadbDriver.string);

describe("merged updates on a data column that is not jsonb", () => {
  it.each(["json", "text"])("apply keys set, deleted and added to a %s column, which keeps its type", async (type) => {
    const executor = await openPgExecutor(postgres.url, POOL);
    executors.push(executor);
    const table = `Session_${type}`;
    await executor.run(`CREATE TABLE "${table}" (LIKE "Session" INCLUDING DEFAULTS)`, []);
    await executor.run(`ALTER TABLE "${table}" ALTER COLUMN "data" TYPE ${type} USING "data"::${type}`, []);
    const store = new SqlSessionStore<number>(executor, table);
    const record = makeRecord<number>({ data: { n: 1, gone: true, keep: "x" } });
    await store.insert(record);
    const now = new Date();
    const merged = await store.mergeUpdate(record.id, {
      set: { s: [1] },
      deleted: ["gone"],
      added: { n: 2 },
      updatedAt: now,
      lastSeenAt: now,
      expiresAt: record.expiresAt,
      maxDataBytes: 1000,
    });
    expect(merged).toEqual({ ...record, data: { n: 3, keep: "x", s: [1] }, version: 1, updatedAt: now, lastSeenAt: now });
    expect((await store.load(record.id))!.record).toEqual(merged);
    const rows = await executor.rows<{ column: string }>(`SELECT pg_typeof("data")::text AS "column" FROM "${table}"`, []);
    expect(rows).toEqual([{ column: type }]);
  });
});
