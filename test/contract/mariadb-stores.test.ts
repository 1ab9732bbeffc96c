import { DataSource } from "typeorm";
import type { SessionStore } from "../../src/index.js";
import { PrismaStore } from "../../src/prisma.js";
import { TypeORMStore } from "../../src/typeorm.js";
import { createMariaDbDatabase, createMariaDbTestDatabase, type MariaDbDatabase, type MariaDbTestDatabase } from "../support/mariadb.js";
import { Account, openTypeORM, User, type TypeORMTestDatabase } from "../support/typeorm.js";
import { describeStoreContract, makeRecord } from "./store-contract.js";
import { prismaFixtures, typeormFixtures } from "./store-fixtures.js";
import { describeTypeORMSpecifics } from "./typeorm-contract.js";

// Each ORM gets a database of its own: on case-insensitive file systems MariaDB would take
// Prisma's "User" and TypeORM's "user" for the same table.
let prismaDatabase: MariaDbTestDatabase;
let typeormDatabase: MariaDbDatabase;
let typeorm: TypeORMTestDatabase;

beforeAll(async () => {
  prismaDatabase = await createMariaDbTestDatabase();
  typeormDatabase = await createMariaDbDatabase();
  typeorm = await openTypeORM({ type: "mariadb", url: typeormDatabase.url, timezone: "Z" });
});

afterAll(async () => {
  await typeorm?.close();
  await typeormDatabase?.drop();
  await prismaDatabase?.drop();
});

const prismaStores = prismaFixtures(() => prismaDatabase.prisma, "mariadb");
describeStoreContract("PrismaStore on MariaDB (int user ids)", "int", prismaStores.int);
describeStoreContract("PrismaStore on MariaDB (string user ids)", "string", prismaStores.string);

const typeormStores = typeormFixtures(() => typeorm, "mariadb");
describeStoreContract("TypeORMStore on MariaDB (int user ids)", "int", typeormStores.int);
describeStoreContract("TypeORMStore on MariaDB (uuid user ids)", "string", typeormStores.string);

// The same contract with the ORM's query API instead of sessionrow's raw SQL (option rawSql: false).
describeStoreContract("PrismaStore on MariaDB through the model API (int user ids)", "int", prismaFixtures(() => prismaDatabase.prisma, "mariadb", { rawSql: false }).int);
describeStoreContract("TypeORMStore on MariaDB through the query builder (uuid user ids)", "string", typeormFixtures(() => typeorm, "mariadb", { rawSql: false }).string);

describeTypeORMSpecifics("MariaDB", () => typeorm);

describe("MariaDB specifics", () => {
  const at = new Date("2026-03-29T01:30:00.123Z"); // inside the hour a European clock skips

  function stores(): [string, SessionStore<number>, (sql: string, parameters: unknown[]) => Promise<Record<string, unknown>[]>][] {
    return [
      ["PrismaStore", new PrismaStore<number>(prismaDatabase.prisma), (sql, parameters) => prismaDatabase.prisma.$queryRawUnsafe(sql, ...parameters)],
      ["TypeORMStore", new TypeORMStore<number>(typeorm.dataSource, { entity: typeorm.Session }), (sql, parameters) => typeorm.dataSource.query(sql, parameters)],
    ];
  }

  // Discriminating only where the process clock is not UTC: run with e.g. TZ=Europe/Berlin.
  it("both stores write DATETIME(3) columns in UTC", async () => {
    for (const [name, store, query] of stores()) {
      const record = makeRecord<number>({ expiresAt: at }, at);
      await store.insert(record);
      const table = name === "PrismaStore" ? "`Session`" : "`session`";
      const [row] = await query(`SELECT DATE_FORMAT(expiresAt, '%Y-%m-%d %H:%i:%s.%f') AS expiresAt FROM ${table} WHERE id = ?`, [record.id]);
      expect([name, row?.expiresAt]).toEqual([name, "2026-03-29 01:30:00.123000"]);
      expect((await store.load(record.id))?.record.createdAt).toEqual(at);
    }
  });

  it("a touch that writes the values a row already holds still finds the row", async () => {
    for (const [name, store] of stores()) {
      const record = makeRecord<number>();
      await store.insert(record);
      const touch = { lastSeenAt: record.lastSeenAt, expiresAt: record.expiresAt };
      expect([name, await store.touch(record.id, touch)]).toEqual([name, true]);
    }
  });

  it("TypeORMStore counts matched rows on a connection that reports changed rows only (no CLIENT_FOUND_ROWS)", async () => {
    const dataSource = new DataSource({
      type: "mariadb",
      url: typeormDatabase.url,
      timezone: "Z",
      flags: ["-FOUND_ROWS"],
      entities: [User, Account, typeorm.Session, typeorm.AccountSession],
    });
    await dataSource.initialize();
    try {
      const store = new TypeORMStore<number>(dataSource, { entity: typeorm.Session });
      const record = makeRecord<number>({ data: { a: 1 } });
      await store.insert(record);
      // The flag took effect: an UPDATE that changes nothing reports no affected row.
      const header = await dataSource.query("UPDATE `session` SET version = version WHERE id = ?", [record.id]);
      expect(header).toMatchObject({ affectedRows: 0, info: expect.stringContaining("Rows matched: 1") });
      expect(await store.touch(record.id, { lastSeenAt: record.lastSeenAt, expiresAt: record.expiresAt })).toBe(true);
      const update = { id: record.id, userId: null, data: { a: 1 }, version: 1, updatedAt: record.updatedAt, lastSeenAt: record.lastSeenAt, expiresAt: record.expiresAt };
      expect(await store.updateIfVersion(record.id, 0, update)).toBe(true);
      expect(await store.updateIfVersion(record.id, 0, update)).toBe(false);
    } finally {
      await dataSource.destroy();
    }
  });
});
