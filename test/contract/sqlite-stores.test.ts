import { spawn } from "node:child_process";
import { once } from "node:events";
import type { SessionStore } from "../../src/index.js";
import { PrismaStore } from "../../src/prisma.js";
import { TypeORMStore } from "../../src/typeorm.js";
import { pollUntil } from "../support/poll-until.js";
import { createSqliteDatabase, createSqliteTestDatabase, openSqliteTypeORM, type SqliteDatabase, type SqliteTestDatabase } from "../support/sqlite.js";
import type { TypeORMTestDatabase } from "../support/typeorm.js";
import { describeStoreContract, makeRecord } from "./store-contract.js";
import { prismaFixtures, typeormFixtures } from "./store-fixtures.js";
import { describeTypeORMSpecifics } from "./typeorm-contract.js";

// Prisma through @prisma/adapter-libsql; TypeORM through its better-sqlite3 driver given `libsql`
// (a better-sqlite3 compatible API with prebuilt binaries). Each ORM has a database file of its own.
let prismaDatabase: SqliteTestDatabase;
let typeormDatabase: SqliteDatabase;
let typeorm: TypeORMTestDatabase;

beforeAll(async () => {
  prismaDatabase = await createSqliteTestDatabase();
  typeormDatabase = createSqliteDatabase();
  typeorm = await openSqliteTypeORM(typeormDatabase.file);
});

afterAll(async () => {
  await typeorm?.close();
  typeormDatabase?.remove();
  await prismaDatabase?.drop();
});

const prismaStores = prismaFixtures(() => prismaDatabase.prisma, "sqlite");
describeStoreContract("PrismaStore on SQLite (int user ids)", "int", prismaStores.int);
describeStoreContract("PrismaStore on SQLite (string user ids)", "string", prismaStores.string);

const typeormStores = typeormFixtures(() => typeorm, "sqlite");
describeStoreContract("TypeORMStore on SQLite (int user ids)", "int", typeormStores.int);
describeStoreContract("TypeORMStore on SQLite (uuid user ids)", "string", typeormStores.string);

describeTypeORMSpecifics("SQLite", () => typeorm);

describe("SQLite specifics", () => {
  type Query = (sql: string, parameters: unknown[]) => Promise<Record<string, unknown>[]>;

  function stores(): [string, SessionStore<number>, Query, string][] {
    return [
      ["PrismaStore", new PrismaStore<number>(prismaDatabase.prisma), (sql, parameters) => prismaDatabase.prisma.$queryRawUnsafe(sql, ...parameters), `"Session"`],
      ["TypeORMStore", new TypeORMStore<number>(typeorm.dataSource, { entity: typeorm.Session }), (sql, parameters) => typeorm.dataSource.query(sql, parameters), `"session"`],
    ];
  }

  it("both stores write timestamps as UTC text with milliseconds, and JSON as text", async () => {
    const at = new Date("2026-03-29T01:30:00.123Z");
    const written = [];
    for (const [name, store, query, table] of stores()) {
      const record = makeRecord<number>({ expiresAt: at, data: { a: [1, "b"] } }, at);
      await store.insert(record);
      const [row] = await query(`SELECT typeof("expiresAt") AS type, CAST("expiresAt" AS TEXT) AS expiresAt, typeof("data") AS dataType, CAST("data" AS TEXT) AS data FROM ${table} WHERE id = ?`, [record.id]);
      written.push([name, row]);
      expect((await store.load(record.id))?.record).toEqual(record);
    }
    expect(written).toEqual([
      ["PrismaStore", { type: "text", expiresAt: "2026-03-29T01:30:00.123+00:00", dataType: "text", data: '{"a":[1,"b"]}' }],
      ["TypeORMStore", { type: "text", expiresAt: "2026-03-29 01:30:00.123", dataType: "text", data: '{"a":[1,"b"]}' }],
    ]);
  });

  it("prune compares timestamps chronologically across a date boundary and milliseconds", async () => {
    for (const [name, store] of stores()) {
      const now = new Date("2027-01-01T00:00:00.000Z");
      const justExpired = makeRecord<number>({ expiresAt: new Date(now.getTime() - 1) }, new Date("2026-12-31T00:00:00.000Z"));
      const justLive = makeRecord<number>({ expiresAt: new Date(now.getTime() + 1) }, new Date("2026-12-31T00:00:00.000Z"));
      await store.insert(justExpired);
      await store.insert(justLive);
      // Rows of other tests expire before 2027 too: prune them all, then check these two.
      while ((await store.deleteExpired(now, 100)) > 0);
      expect([name, await store.load(justExpired.id), (await store.load(justLive.id))?.record.id]).toEqual([name, null, justLive.id]);
    }
  });

  it("a save waits for another process's write lock (busy timeout) instead of failing", async () => {
    const files = { PrismaStore: prismaDatabase.file, TypeORMStore: typeormDatabase.file };
    for (const [name, store] of stores()) {
      const record = makeRecord<number>({ data: { a: 1 } });
      await store.insert(record);
      // The drivers wait for a lock synchronously, so the lock must be held by another process.
      const holder = await holdWriteLock(files[name as keyof typeof files], 300);
      const update = { id: record.id, userId: null, data: { a: 2 }, version: 1, updatedAt: new Date(), lastSeenAt: new Date(), expiresAt: record.expiresAt };
      const saved = await store.updateIfVersion(record.id, 0, update);
      const savedAt = Date.now();
      // The save finished after the holder let go of the lock: it waited, rather than failed.
      const releasedAt = await holder.releasedAt;
      expect([name, saved, savedAt >= releasedAt, (await store.load(record.id))?.record.data]).toEqual([name, true, true, { a: 2 }]);
    }
  });

  it("a touch that writes the values a row already holds still finds the row", async () => {
    for (const [name, store] of stores()) {
      const record = makeRecord<number>();
      await store.insert(record);
      expect([name, await store.touch(record.id, { lastSeenAt: record.lastSeenAt, expiresAt: record.expiresAt })]).toEqual([name, true]);
    }
  });

  it("the TypeORM store reports what SQLite can share", () => {
    expect(new TypeORMStore(typeorm.dataSource, { entity: typeorm.Session }).capabilities).toEqual({ multiProcessSafe: true, persistent: true });
    const memory = { options: { type: "better-sqlite3", database: ":memory:" }, isInitialized: false, getRepository: () => undefined };
    expect(new TypeORMStore(memory).capabilities).toEqual({ multiProcessSafe: false, persistent: false });
    const sqljs = { options: { type: "sqljs", location: "sessions.db", autoSave: true }, isInitialized: false, getRepository: () => undefined };
    expect(new TypeORMStore(sqljs).capabilities).toEqual({ multiProcessSafe: false, persistent: true });
  });
});

/** Starts a process that takes the database's write lock, holds it for `ms`, then commits and exits. */
async function holdWriteLock(file: string, ms: number): Promise<{ releasedAt: Promise<number>; exited: Promise<unknown> }> {
  const script = `const db = new (require("libsql"))(process.argv[1]); db.exec("BEGIN IMMEDIATE"); console.log("locked");
setTimeout(() => { console.log("releasing " + Date.now()); db.exec("COMMIT"); db.close(); }, Number(process.argv[2]));`;
  const child = spawn(process.execPath, ["-e", script, file, String(ms)], { stdio: ["ignore", "pipe", "inherit"] });
  const exited = once(child, "exit");
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  await pollUntil("the lock holder to lock", async () => output.startsWith("locked\n"));
  const releasedAt = exited.then(() => {
    const at = /releasing (\d+)/.exec(output)?.[1];
    if (at === undefined) throw new Error(`The lock holder said ${output}`);
    return Number(at);
  });
  return { releasedAt, exited };
}
