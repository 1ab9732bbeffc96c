import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { PrismaStore } from "../../src/prisma.js";
import { databaseOf } from "../../src/stores/prisma-dialect.js";
import { pruneStatementFor } from "../../src/stores/sql/prune-statement.js";
import type { SessionRecord } from "../../src/session-store.js";
import { createMariaDbTestDatabase } from "../support/mariadb.js";
import { createTestDatabase } from "../support/postgres.js";
import { createSqliteTestDatabase } from "../support/sqlite.js";

const NOW = new Date("2026-06-01T12:00:00.000Z");

/** A client of one of the test databases, as the tests here use it. */
interface Database {
  prisma: {
    $queryRawUnsafe(sql: string, ...values: unknown[]): Promise<unknown>;
    $executeRawUnsafe(sql: string, ...values: unknown[]): Promise<number>;
    session: { count(): Promise<number> };
  };
  drop(): Promise<void>;
}

const databases: [string, "postgres" | "mysql" | "sqlite", string, string, () => Promise<Database>][] = [
  ["PostgreSQL", "postgres", "postgresql", 'CREATE TABLE "user_sessions" (LIKE "Session" INCLUDING ALL)', createTestDatabase as () => Promise<Database>],
  ["MariaDB", "mysql", "mariadb", "CREATE TABLE `user_sessions` LIKE `Session`", createMariaDbTestDatabase as unknown as () => Promise<Database>],
  ["SQLite", "sqlite", "sqlite", 'CREATE TABLE "user_sessions" AS SELECT * FROM "Session" WHERE 0', createSqliteTestDatabase as unknown as () => Promise<Database>],
];

describe.each(databases)("the Prisma store's prune on %s", (_name, dialect, system, copyTable, create) => {
  let db: Database;

  beforeAll(async () => {
    db = await create();
    await db.prisma.$executeRawUnsafe(copyTable);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("asks the database what it is (public raw-query API only), for the prune and for telemetry", async () => {
    expect(await databaseOf(db.prisma)).toEqual({ dialect, system });
    const store = new PrismaStore(db.prisma);
    expect(store.database).toBeUndefined(); // not asked yet
    expect(await store.describeDatabase()).toEqual({ system, collection: "Session" });
    expect(store.database).toEqual({ system, collection: "Session" });
  });

  it("deletes at most `limit` expired rows per statement, never a live one", async () => {
    const store = new PrismaStore(db.prisma);
    for (let index = 0; index < 5; index++) await store.insert(record(`expired-${index}`, -60_000));
    await store.insert(record("live", 60_000));
    const statements = countStatements(db.prisma);
    expect(await store.deleteExpired(NOW, 3)).toBe(3);
    expect(await store.deleteExpired(NOW, 3)).toBe(2);
    expect(await store.deleteExpired(NOW, 3)).toBe(0);
    // The database was found out by the first insert (its raw-SQL path): one DELETE per batch.
    expect(statements()).toEqual({ queries: 0, executes: 3 });
    expect(await store.load("live")).not.toBeNull();
  });

  it("prunes the table named by tableName (a model mapped with @@map)", async () => {
    const store = new PrismaStore(db.prisma, { tableName: "user_sessions" });
    const quote = dialect === "postgres" ? '"' : "`";
    const columns = ["id", "data", "version", "createdAt", "updatedAt", "lastSeenAt", "expiresAt", "absoluteExpiresAt"];
    const insert = `INSERT INTO ${quote}user_sessions${quote} (${columns.map((c) => quote + c + quote).join(", ")}) VALUES (${
      dialect === "postgres" ? "$1, '{}', 0, $2, $2, $2, $2, $3" : "?, '{}', 0, ?, ?, ?, ?, ?"
    })`;
    const at = (offset: number) => (dialect === "mysql" ? new Date(NOW.getTime() + offset).toISOString().slice(0, 23).replace("T", " ") : new Date(NOW.getTime() + offset));
    const row = (id: string, expiresIn: number) =>
      dialect === "postgres" ? [id, at(expiresIn), at(86_400_000)] : [id, at(-5000), at(-5000), at(-5000), at(expiresIn), at(86_400_000)];
    await db.prisma.$executeRawUnsafe(insert, ...row("mapped-expired", -1000));
    await db.prisma.$executeRawUnsafe(insert, ...row("mapped-live", 1000));
    const sessionsBefore = await db.prisma.session.count();
    expect(await store.deleteExpired(NOW, 100)).toBe(1);
    expect(await db.prisma.session.count()).toBe(sessionsBefore);
  });

  it("prunes through the model API, with a warning naming tableName, when the table is not found", async () => {
    const store = new PrismaStore(db.prisma, { tableName: "no_such_sessions" });
    await store.insert(record("unmapped-expired", -60_000));
    const emitWarning = jest.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    try {
      expect(await store.deleteExpired(NOW, 10)).toBe(1);
      await store.insert(record("unmapped-expired-2", -60_000));
      expect(await store.deleteExpired(NOW, 10)).toBe(1);
      const pruneWarnings = emitWarning.mock.calls.filter((call) => (call[1] as { code?: string }).code === "SESSIONROW_PRUNE_TABLE");
      expect(pruneWarnings).toHaveLength(1);
      expect(String(pruneWarnings[0]![0])).toContain('no table "no_such_sessions"');
      expect(String(pruneWarnings[0]![0])).toContain("pass { tableName }");
    } finally {
      emitWarning.mockRestore();
    }
  });
});

it("writes one prune statement per dialect, schema-qualified where asked", () => {
  expect(pruneStatementFor("postgres", "auth.user_sessions")).toBe(
    'DELETE FROM "auth"."user_sessions" WHERE "id" IN (SELECT "id" FROM "auth"."user_sessions" WHERE "expiresAt" <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED)',
  );
  expect(pruneStatementFor("mysql", "user_sessions")).toBe("DELETE FROM `user_sessions` WHERE `expiresAt` <= ? ORDER BY `expiresAt` LIMIT ?");
  expect(pruneStatementFor("sqlite", "Session")).toBe(
    'DELETE FROM "Session" WHERE "id" IN (SELECT "id" FROM "Session" WHERE "expiresAt" <= ? ORDER BY "expiresAt" LIMIT ?)',
  );
});

it("falls back to select-then-delete, through the model API, on a database it writes no SQL for (CockroachDB)", async () => {
  const deleted: unknown[] = [];
  const delegate = {
    findUnique: async () => null,
    create: async () => ({}),
    updateMany: async () => ({ count: 0 }),
    findMany: async () => [{ id: "a" }, { id: "b" }],
    deleteMany: async (args: unknown) => {
      deleted.push(args);
      return { count: 2 };
    },
  };
  const client = {
    session: delegate,
    user: delegate,
    $queryRawUnsafe: async () => [{ version: "CockroachDB CCL v24.1.0 (x86_64-pc-linux-gnu)" }],
    $executeRawUnsafe: async () => {
      throw new Error("must not be called");
    },
  };
  expect(await new PrismaStore(client).deleteExpired(NOW, 10)).toBe(2);
  expect(deleted).toEqual([{ where: { id: { in: ["a", "b"] }, expiresAt: { lte: NOW } } }]);
});

it("reads no private Prisma client internals", async () => {
  const files = (await readdir(path.resolve(__dirname, "../../src"), { recursive: true })).filter((file) => file.endsWith(".ts"));
  const offenders: string[] = [];
  for (const file of files) {
    const text = await readFile(path.resolve(__dirname, "../../src", file), "utf8");
    if (/_runtimeDataModel|_activeProvider|_engineConfig|_engine\b|_baseDmmf/.test(text)) offenders.push(file);
  }
  expect(offenders).toEqual([]);
});

function record(id: string, expiresIn: number): SessionRecord<number> {
  const expiresAt = new Date(NOW.getTime() + expiresIn);
  return {
    id,
    userId: null,
    data: {},
    version: 0,
    createdAt: NOW,
    updatedAt: NOW,
    lastSeenAt: NOW,
    expiresAt,
    absoluteExpiresAt: new Date(NOW.getTime() + 86_400_000),
    ipAddress: null,
    userAgent: null,
  };
}

/** Counts the raw statements a client sends from now on (wrapping its two raw-query methods). */
function countStatements(client: Database["prisma"]): () => { queries: number; executes: number } {
  const counts = { queries: 0, executes: 0 };
  const query = client.$queryRawUnsafe.bind(client);
  const execute = client.$executeRawUnsafe.bind(client);
  client.$queryRawUnsafe = (...args) => (counts.queries++, query(...args));
  client.$executeRawUnsafe = (...args) => (counts.executes++, execute(...args));
  return () => ({ ...counts });
}
