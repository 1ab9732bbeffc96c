// The stores' raw-SQL path (the default): sessionrow's own statements through the app's client,
// one statement a call, and the user rows it decodes checked once against the ORM's own.
import "reflect-metadata";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { AfterLoad, Column, DataSource, Entity, EventSubscriber, PrimaryGeneratedColumn, type DataSourceOptions, type EntitySubscriberInterface } from "typeorm";
import { SessionConfigError } from "../../src/index.js";
import { toStoreError } from "../../src/errors.js";
import { PrismaStore } from "../../src/prisma.js";
import { TypeORMStore, createSessionEntity } from "../../src/typeorm.js";
import { PrismaClient } from "../../generated/prisma/client.js";
import { PrismaPg } from "@prisma/adapter-pg";
import { prismaTypeParsers } from "../../src/stores/sql/pg-pool-executor.js";
import { makeRecord } from "../contract/store-contract.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const HOUR = 3_600_000;

const record = (userId: number | null) => makeRecord<number>({ userId, data: { cart: [1, 2] } });

/** Counts the client's raw queries and its model calls on User and Session. */
function countingClient(prisma: PrismaClient) {
  const calls = { raw: 0, model: 0 };
  const model = (delegate: object) =>
    new Proxy(delegate, {
      get: (target, key) => {
        const value = Reflect.get(target, key) as unknown;
        return typeof value === "function" ? (...args: unknown[]) => (calls.model++, value.apply(target, args)) : value;
      },
    });
  const client = new Proxy(prisma, {
    get: (target, key) => {
      if (key === "user" || key === "session") return model(Reflect.get(target, key) as object);
      const value = Reflect.get(target, key) as unknown;
      if (key === "$queryRawUnsafe" || key === "$executeRawUnsafe") return (...args: unknown[]) => (calls.raw++, (value as (...a: unknown[]) => unknown).apply(target, args));
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { client, calls };
}

function warnings() {
  const spy = jest.spyOn(process, "emitWarning").mockImplementation(() => undefined);
  return {
    codes: () => spy.mock.calls.map((call) => (call[1] as { code?: string } | undefined)?.code),
    texts: () => spy.mock.calls.map((call) => String(call[0])),
    restore: () => spy.mockRestore(),
  };
}

describe("PrismaStore's raw SQL on PostgreSQL", () => {
  it("sends each call as one raw statement; the user row is compared with the model's once, then trusted", async () => {
    const user = await database.prisma.user.create({ data: { email: `${randomUUID()}@example.com`, name: "Ada" } });
    const { client, calls } = countingClient(database.prisma);
    const store = new PrismaStore<number, typeof user>(client);
    const row = record(user.id);
    await store.insert(row); // finds out the database and probes the two SELECTs first
    expect(calls).toEqual({ raw: 4, model: 0 });

    Object.assign(calls, { raw: 0, model: 0 });
    expect(await store.load(row.id, { withUser: true })).toEqual({ record: row, user });
    expect(calls).toEqual({ raw: 1, model: 1 }); // the check: the same user through the model API

    Object.assign(calls, { raw: 0, model: 0 });
    const loaded = await store.load(row.id, { withUser: true });
    expect(loaded).toEqual({ record: row, user });
    expect(await store.touch(row.id, { lastSeenAt: new Date(), expiresAt: new Date(Date.now() + HOUR) })).toBe(true);
    const update = { ...row, data: { cart: [3] }, version: 1, updatedAt: new Date(), lastSeenAt: new Date() };
    expect(await store.updateIfVersion(row.id, 0, update)).toBe(true);
    expect(await store.updateIfVersion(row.id, 0, update)).toBe(false);
    expect((await store.load(row.id))?.record.data).toEqual({ cart: [3] });
    await store.delete(row.id);
    expect(await store.load(row.id)).toBeNull();
    expect(calls).toEqual({ raw: 7, model: 0 });
  });

  it("loads users through the model API, with one warning, when the client's user differs (a global omit)", async () => {
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: database.url }), omit: { user: { name: true } } });
    const log = warnings();
    try {
      const { id } = await prisma.user.create({ data: { email: `${randomUUID()}@example.com`, name: "Secret" } });
      const store = new PrismaStore<number, { id: number; email: string }>(prisma);
      const row = record(id);
      await store.insert(row);
      const first = await store.load(row.id, { withUser: true });
      const second = await store.load(row.id, { withUser: true });
      expect(first?.user).toEqual({ id, email: expect.any(String) });
      expect(second?.user).toEqual(first?.user); // never the omitted name
      expect(log.codes()).toEqual(["SESSIONROW_USER_DECODING"]);
    } finally {
      log.restore();
      await prisma.$disconnect();
    }
  });

  it("uses the model API, with one warning naming the option, for a table that does not answer", async () => {
    const log = warnings();
    try {
      const { id } = await database.prisma.user.create({ data: { email: `${randomUUID()}@example.com`, name: "U" } });
      const store = new PrismaStore<number, { id: number }>(database.prisma, { tableName: "no_such_table" });
      const row = record(id);
      await store.insert(row);
      expect((await store.load(row.id, { withUser: true }))?.user).toMatchObject({ id });
      expect(log.codes()).toEqual(["SESSIONROW_RAW_SQL_TABLE"]);
      expect(log.texts()[0]).toContain("pass { tableName }");
    } finally {
      log.restore();
    }
  });

  it("keeps raw SQL for the session and loads users through the model API when the user table does not answer", async () => {
    const log = warnings();
    try {
      const { client, calls } = countingClient(database.prisma);
      const { id } = await database.prisma.user.create({ data: { email: `${randomUUID()}@example.com`, name: "U" } });
      const store = new PrismaStore<number, { id: number }>(client, { userTableName: "users" });
      const row = record(id);
      await store.insert(row);
      Object.assign(calls, { raw: 0, model: 0 });
      expect((await store.load(row.id, { withUser: true }))?.user).toMatchObject({ id, name: "U" });
      expect(await store.load(row.id)).not.toBeNull();
      expect(calls).toEqual({ raw: 1, model: 1 });
      expect(log.codes()).toEqual(["SESSIONROW_RAW_SQL_TABLE"]);
      expect(log.texts()[0]).toContain("pass { userTableName }");
    } finally {
      log.restore();
    }
  });

  it("loads no user for a userId that matches no user row (no foreign key), also once users are trusted", async () => {
    const { id } = await database.prisma.user.create({ data: { email: `${randomUUID()}@example.com`, name: "U" } });
    const store = new PrismaStore<number, { id: number }>(database.prisma);
    const real = record(id);
    await store.insert(real);
    await store.load(real.id, { withUser: true }); // the one-time check
    expect((await store.load(real.id, { withUser: true }))?.user).toMatchObject({ id });
    // As with relationMode = "prisma", or users deleted behind the ORM's back.
    const dangling = record(2_000_000_000);
    await database.prisma.$executeRawUnsafe('ALTER TABLE "Session" DROP CONSTRAINT "Session_userId_fkey"');
    try {
      await store.insert(dangling);
      expect(await store.load(dangling.id, { withUser: true })).toEqual({ record: dangling, user: null });
    } finally {
      await store.delete(dangling.id);
      await database.prisma.$executeRawUnsafe(
        'ALTER TABLE "Session" ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE',
      );
    }
  });

  it("with { pool }, sends its statements straight to the pool: the client only says which database it is", async () => {
    const user = await database.prisma.user.create({ data: { email: `${randomUUID()}@example.com`, name: "Grace" } });
    const { client, calls } = countingClient(database.prisma);
    const poolQuery = jest.spyOn(database.pool, "query");
    try {
      const store = new PrismaStore<number, typeof user>(client, { pool: database.pool });
      const row = record(user.id);
      // Asks the client which database, checks that the pool reaches the same one (and the user
      // columns' types), probes the two SELECTs on the pool, inserts.
      await store.insert(row);
      expect(calls).toEqual({ raw: 2, model: 0 });
      // The client's own statements run on the same pool.
      expect(poolQuery).toHaveBeenCalledTimes(2 + 2 + 2 + 1);

      expect(await store.load(row.id, { withUser: true })).toEqual({ record: row, user });
      expect(await store.load(row.id, { withUser: true })).toEqual({ record: row, user });
      const update = { ...row, data: { cart: [3] }, version: 1, updatedAt: new Date(), lastSeenAt: new Date() };
      expect(await store.updateIfVersion(row.id, 0, update)).toBe(true);
      expect(await store.updateIfVersion(row.id, 0, update)).toBe(false);
      expect(await store.updateLocked(row.id, (current) => current && { ...update, version: current.version + 1 })).toBe(true);
      await store.delete(row.id);
      expect(await store.load(row.id)).toBeNull();
      // No raw statement through the client; the user check's one model call (on the same pool).
      expect(calls).toEqual({ raw: 2, model: 1 });
      expect(poolQuery).toHaveBeenCalledTimes(7 + 6 + 1); // updateLocked runs on a connection of its own

    } finally {
      poolQuery.mockRestore();
    }
  });

  it("merges and locks once a database that did not answer at first does: the manager is not told it never can", async () => {
    let down = true;
    const client = new Proxy(database.prisma, {
      get(target, property) {
        if (property === "$queryRawUnsafe" && down) return () => Promise.reject(new Error("connect ECONNREFUSED"));
        const value = Reflect.get(target, property, target) as unknown;
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const store = new PrismaStore<number>(client);
    const now = new Date();
    const merge = { set: {}, deleted: [], added: { n: 1 }, updatedAt: now, lastSeenAt: now, expiresAt: new Date(now.getTime() + HOUR), maxDataBytes: 1000 };
    const row = record(null);
    await store.insert(row);
    // Not written, not refused for good: the manager saves this one another way and tries again next time.
    expect(await store.mergeUpdate(row.id, merge)).toBeNull();
    expect(await store.updateLocked(row.id, () => null)).toBe(false);
    down = false;
    expect(await store.mergeUpdate(row.id, merge)).toMatchObject({ data: { cart: [1, 2], n: 1 }, version: 1 });
    await store.delete(row.id);
    expect(await new PrismaStore<number>(database.prisma, { rawSql: false }).mergeUpdate(row.id, merge)).toBeUndefined();
  });

  it("sends everything through the model API with rawSql: false", async () => {
    const { client, calls } = countingClient(database.prisma);
    const { id } = await database.prisma.user.create({ data: { email: `${randomUUID()}@example.com`, name: "U" } });
    const store = new PrismaStore<number, { id: number }>(client, { rawSql: false });
    const row = record(id);
    await store.insert(row);
    await store.load(row.id, { withUser: true });
    await store.touch(row.id, { lastSeenAt: new Date(), expiresAt: new Date(Date.now() + HOUR) });
    await store.delete(row.id);
    expect(calls).toEqual({ raw: 0, model: 4 });
  });
});

describe("PrismaStore's pool option", () => {
  it("reads values as Prisma does: timestamp and date in UTC, bigint as a BigInt", () => {
    const parsers = prismaTypeParsers(pg.types);
    expect(parsers.getTypeParser(1114)("2026-11-30 10:35:43.084")).toEqual(new Date("2026-11-30T10:35:43.084Z"));
    expect(parsers.getTypeParser(1082)("2026-11-30")).toEqual(new Date("2026-11-30T00:00:00Z"));
    expect(parsers.getTypeParser(20)("9007199254740993")).toBe(9007199254740993n);
    expect(parsers.getTypeParser(25)("text")).toBe("text");
  });

  it("uses the client instead, with one warning, for a pool on another database or a user table pg reads differently", async () => {
    const other = new pg.Pool({ connectionString: database.directUrl.replace(/\/[^/?]+(\?|$)/, "/postgres$1") });
    await database.prisma.$executeRawUnsafe('CREATE TABLE "PricedUser" ("id" integer PRIMARY KEY, "credit" numeric NOT NULL)');
    const warned = warnings();
    try {
      for (const [pool, options] of [[other, {}], [database.pool, { userTableName: "PricedUser" }]] as const) {
        const { client, calls } = countingClient(database.prisma);
        const store = new PrismaStore(client, { pool, ...options });
        await store.insert(record(null));
        Object.assign(calls, { raw: 0, model: 0 });
        await store.load(record(null).id);
        expect(calls).toEqual({ raw: 1, model: 0 }); // through the client
      }
      expect(warned.codes()).toEqual(["SESSIONROW_POOL", "SESSIONROW_POOL"]);
      expect(warned.texts()[0]).toMatch(/the pool reaches another database than the Prisma client/);
      expect(warned.texts()[1]).toMatch(/column\(s\) credit differently from Prisma/);
    } finally {
      warned.restore();
      await other.end();
    }
  });

  it("reports a user id that is no user row, sent through the pool, as the caller's mistake", async () => {
    const store = new PrismaStore<number>(database.prisma, { pool: database.pool });
    const error = await store.insert(record(2_000_000_000)).catch((thrown: unknown) => thrown);
    expect(toStoreError(error)).toMatchObject({ code: "SESSION_DATA_INVALID", reason: "unknown-user" });
  });

  it("refuses a pg pool when the client's database is not PostgreSQL", async () => {
    const delegate = { findUnique: async () => null, findMany: async () => [], create: async () => ({}), updateMany: async () => ({ count: 0 }), deleteMany: async () => ({ count: 0 }) };
    const mariadb = {
      session: delegate,
      user: delegate,
      $queryRawUnsafe: async () => [{ version: "10.11.6-MariaDB-0+deb12u1" }],
      $executeRawUnsafe: async () => 0,
    };
    const store = new PrismaStore(mariadb, { pool: database.pool });
    await expect(store.load("id")).rejects.toThrow(new SessionConfigError("The option { pool } takes a node-postgres pool, but the Prisma client's database is mariadb"));
  });
});

@Entity({ name: "member" })
class Member {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: "varchar" })
  name!: string;

  @Column({ type: "varchar", select: false })
  password!: string;

  @Column({ type: "timestamptz" })
  joinedAt!: Date;

  @Column({ type: "jsonb", nullable: true })
  settings!: { theme: string } | null;
}

@Entity({ name: "listened" })
class Listened {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: "varchar" })
  name!: string;

  loadedBy?: string;

  @AfterLoad()
  markLoaded(): void {
    this.loadedBy = "TypeORM";
  }
}

/** Queries TypeORM reported to a subscriber's `afterQuery`. */
const seen: string[] = [];

@EventSubscriber()
class QueryWatcher implements EntitySubscriberInterface {
  afterQuery(event: { query: string }): void {
    seen.push(event.query);
  }
}

describe("TypeORMStore's raw SQL on PostgreSQL", () => {
  const MemberSession = createSessionEntity(Member, { name: "MemberSession", tableName: "member_session" });
  const ListenedSession = createSessionEntity(Listened, { name: "ListenedSession", tableName: "listened_session" });
  let dataSource: DataSource;
  const queries: string[] = [];

  beforeAll(async () => {
    dataSource = new DataSource({
      type: "postgres",
      url: database.url,
      entities: [Member, MemberSession, Listened, ListenedSession],
      synchronize: true,
      logging: ["query"],
      logger: { logQuery: (query: string) => void queries.push(query), logQueryError() {}, logQuerySlow() {}, logSchemaBuild() {}, logMigration() {}, log() {} },
    });
    await dataSource.initialize();
  });
  afterAll(async () => {
    await dataSource?.destroy();
  });

  it("builds the user entity as the query builder does (class, converted columns, no select: false column), one statement a load", async () => {
    const member = await dataSource.getRepository(Member).save({ name: "Ada", password: "hash", joinedAt: new Date("2026-01-02T03:04:05.678Z"), settings: { theme: "dark" } });
    const store = new TypeORMStore<number, Member>(dataSource, { entity: MemberSession });
    const row = record(member.id);
    await store.insert(row);
    const fromTypeORM = await store.loadUser(member.id);
    queries.length = 0;
    const first = await store.load(row.id, { withUser: true });
    const second = await store.load(row.id, { withUser: true });
    expect(first).toEqual({ record: row, user: fromTypeORM });
    expect(second?.user).toBeInstanceOf(Member);
    expect(second?.user).toEqual({ id: member.id, name: "Ada", joinedAt: new Date("2026-01-02T03:04:05.678Z"), settings: { theme: "dark" } });
    // The first load is checked against TypeORM's own user once; the second is one statement.
    expect(queries.filter((query) => query.includes("member_session"))).toHaveLength(2);
    expect(queries).toHaveLength(3);
    expect(queries[2]).toMatch(/^SELECT s\."id" AS "__sessionrow_id", .* LEFT JOIN "member" u ON u\."id" = s\."userId" WHERE s\."id" = \$1$/);
  });

  it("loads no user for a userId that matches no user row (createForeignKeyConstraints: false)", async () => {
    const member = await dataSource.getRepository(Member).save({ name: "M", password: "p", joinedAt: new Date(), settings: null });
    const store = new TypeORMStore<number, Member>(dataSource, { entity: MemberSession });
    const real = record(member.id);
    await store.insert(real);
    await store.load(real.id, { withUser: true }); // the one-time check
    const [{ name }] = (await dataSource.query(
      `SELECT conname AS name FROM pg_constraint WHERE conrelid = 'member_session'::regclass AND contype = 'f'`,
    )) as [{ name: string }];
    await dataSource.query(`ALTER TABLE "member_session" DROP CONSTRAINT "${name}"`);
    const dangling = record(2_000_000_000);
    await store.insert(dangling);
    expect(await store.load(dangling.id, { withUser: true })).toEqual({ record: dangling, user: null });
    await store.delete(dangling.id);
  });

  it("lets TypeORM load users whose entity has after-load listeners", async () => {
    const listened = await dataSource.getRepository(Listened).save({ name: "L" });
    const store = new TypeORMStore<number, Listened>(dataSource, { entity: ListenedSession });
    const row = record(listened.id);
    await store.insert(row);
    expect((await store.load(row.id, { withUser: true }))?.user).toEqual({ id: listened.id, name: "L", loadedBy: "TypeORM" });
  });

  it("sends its statements straight to the driver's pool unless the app watches queries (logging, a query subscriber)", async () => {
    const member = await dataSource.getRepository(Member).save({ name: "P", password: "p", joinedAt: new Date(), settings: null });
    seen.length = 0;
    const open = (options: { logging?: boolean; subscribers?: unknown[] }) =>
      new DataSource({ type: "postgres", url: database.url, entities: [Member, MemberSession], ...options } as DataSourceOptions).initialize();
    const quiet = await open({ logging: false });
    const watched = await open({ subscribers: [QueryWatcher] });
    try {
      const row = record(member.id);
      const poolQuery = jest.spyOn((quiet.driver as unknown as { master: { query: () => unknown } }).master, "query");
      await new TypeORMStore<number, Member>(quiet, { entity: MemberSession }).insert(row);
      expect(poolQuery).toHaveBeenCalledTimes(1);

      const store = new TypeORMStore<number, Member>(watched, { entity: MemberSession });
      expect((await store.load(row.id))?.record).toEqual(row);
      // A merged update returns its row through the query runner too.
      const now = new Date();
      const merge = { set: { a: 1 }, deleted: [], added: { n: 2 }, updatedAt: now, lastSeenAt: now, expiresAt: row.expiresAt, maxDataBytes: 1000 };
      expect(await store.mergeUpdate(row.id, merge)).toEqual({ ...row, data: { ...row.data, a: 1, n: 2 }, version: row.version + 1, updatedAt: now, lastSeenAt: now });
      await store.delete(row.id);
      expect(seen).toEqual([
        expect.stringMatching(/^SELECT .* FROM "member_session"/),
        expect.stringMatching(/^UPDATE "member_session" AS s SET/),
        expect.stringMatching(/^DELETE FROM "member_session"/),
      ]);
    } finally {
      await quiet.destroy();
      await watched.destroy();
    }
  });

  it("writes with raw SQL: every column's value converted by the driver, read back the same", async () => {
    const store = new TypeORMStore<number, Member>(dataSource, { entity: MemberSession });
    const row = { ...record(null), data: { nested: { list: [1, "two", null], unicode: "é✓" } }, ipAddress: "203.0.113.9", userAgent: "agent" };
    queries.length = 0;
    await store.insert(row);
    expect(queries).toEqual([expect.stringMatching(/^INSERT INTO "member_session" \("id", "userId", "data"/)]);
    expect(await store.load(row.id)).toEqual({ record: row });
  });
});
