// Named prepared statements on PostgreSQL (the default of the raw-SQL path on a pg pool): prepared on
// the app's connections once, still answering after a migration changes the user table they read,
// and never sent with preparedStatements: false.
import "reflect-metadata";
import { randomUUID } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { DataSource, type DataSourceOptions } from "typeorm";
import { SessionManager } from "../../src/index.js";
import { PrismaClient } from "../../generated/prisma/client.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";
import { simulateRequest } from "../support/simulate-request.js";
import { openTypeORM, sessionEntities, User, Account } from "../support/typeorm.js";

const secret = "kq0vW7yq3qk2Jf0cM5oRk9b1zq7Vx4L3pT8nA6sD2eG";

let database: TestDatabase;
const closers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  // The TypeORM tables (user, account, session) next to Prisma's ("User", "Session").
  await (await openTypeORM({ type: "postgres", url: database.url })).close();
});
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await database?.drop();
});

/** A Prisma client on a pool of one connection, so every statement runs where `prepared()` looks. */
function onePrismaConnection() {
  const pool = new pg.Pool({ connectionString: database.url, max: 1 });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  closers.push(() => prisma.$disconnect(), () => pool.end());
  return { pool, prisma };
}

/** A TypeORM DataSource on a pool of one connection. */
async function oneTypeORMConnection() {
  const dataSource = await new DataSource({
    type: "postgres",
    url: database.url,
    entities: [User, Account, ...Object.values(sessionEntities("postgres"))],
    extra: { max: 1 },
  } as DataSourceOptions).initialize();
  closers.push(() => dataSource.destroy());
  return dataSource;
}

/** The texts of the prepared statements on the connection that `query` runs on. */
async function preparedTexts(query: (sql: string) => Promise<{ statement: string }[]>): Promise<string[]> {
  return (await query("SELECT statement FROM pg_prepared_statements")).map((row) => row.statement);
}

/** The names of the prepared statements on the connection that `query` runs on. */
async function prepared(query: (sql: string) => Promise<{ name: string }[]>): Promise<string[]> {
  return (await query("SELECT name FROM pg_prepared_statements")).map((row) => row.name);
}

describe("sessionrow + Prisma { pool } on PostgreSQL", () => {
  it("prepares its statements on the app's connection once, and answers after a migration adds and drops a user column", async () => {
    const { pool, prisma } = onePrismaConnection();
    const sessions = SessionManager.fromPrisma(prisma, { secret, pool, preloadUser: true });
    const user = await prisma.user.create({ data: { email: `${randomUUID()}@example.com`, name: "Ada" } });
    const token = await simulateRequest(sessions, null, (session) => session.setUser(user.id));
    await simulateRequest(sessions, token, (session) => session.set("theme", "dark"));
    const names = await prepared(async (sql) => (await pool.query<{ name: string }>(sql)).rows);
    // The start-up probe of the plain load, the load with its user, the insert, the version-checked update: each once.
    expect(names.filter((name) => name.startsWith("sessionrow_"))).toHaveLength(4);

    // A rolling deploy: the table the prepared load reads (`u.*`) changes under it.
    await prisma.$executeRawUnsafe(`ALTER TABLE "User" ADD COLUMN "nickname" text`);
    expect(await (await sessions.load(token!, { readOnly: true })).user()).toEqual(user);
    // The next load is prepared afresh, as a new text (a pooler keeping statements by text would otherwise serve the old one).
    expect(await (await sessions.load(token!, { readOnly: true })).user()).toEqual(user);
    expect(await preparedTexts(async (sql) => (await pool.query<{ statement: string }>(sql)).rows)).toContainEqual(expect.stringMatching(/generation 1 \*\/$/));
    await prisma.$executeRawUnsafe(`ALTER TABLE "User" DROP COLUMN "nickname"`);
    const session = await sessions.load(token!, { readOnly: true });
    expect([session.get("theme"), await session.user()]).toEqual(["dark", user]);
  });

  it("sends unnamed statements only with preparedStatements: false", async () => {
    const { pool, prisma } = onePrismaConnection();
    const sessions = SessionManager.fromPrisma(prisma, { secret, pool, preparedStatements: false });
    const token = await simulateRequest(sessions, null, (session) => session.set("n", 1));
    expect((await sessions.load(token!, { readOnly: true })).get("n")).toBe(1);
    expect(await prepared(async (sql) => (await pool.query<{ name: string }>(sql)).rows)).toEqual([]);
  });
});

describe("sessionrow + TypeORM on PostgreSQL", () => {
  it("prepares its statements on the DataSource's connection once, and answers after a migration adds and drops a user column", async () => {
    const dataSource = await oneTypeORMConnection();
    const sessions = SessionManager.fromTypeORM(dataSource, { secret, userEntity: User, preloadUser: true });
    const user = await dataSource.getRepository(User).save({ email: `${randomUUID()}@example.com` });
    const token = await simulateRequest(sessions, null, (session) => session.setUser(user.id));
    await simulateRequest(sessions, token, (session) => session.set("theme", "dark"));
    // The load with its user, the insert, the version-checked update: each once.
    expect((await prepared((sql) => dataSource.query(sql))).filter((name) => name.startsWith("sessionrow_"))).toHaveLength(3);

    await dataSource.query(`ALTER TABLE "user" ADD COLUMN "nickname" text`);
    expect(await (await sessions.load(token!, { readOnly: true })).user()).toEqual(user);
    expect(await (await sessions.load(token!, { readOnly: true })).user()).toEqual(user);
    expect(await preparedTexts((sql) => dataSource.query(sql))).toContainEqual(expect.stringMatching(/generation 1 \*\/$/));
    await dataSource.query(`ALTER TABLE "user" DROP COLUMN "nickname"`);
    const session = await sessions.load(token!, { readOnly: true });
    expect([session.get("theme"), await session.user()]).toEqual(["dark", user]);
  });

  it("sends unnamed statements only with preparedStatements: false", async () => {
    const dataSource = await oneTypeORMConnection();
    const sessions = SessionManager.fromTypeORM(dataSource, { secret, userEntity: User, preparedStatements: false });
    const token = await simulateRequest(sessions, null, (session) => session.set("n", 1));
    expect((await sessions.load(token!, { readOnly: true })).get("n")).toBe(1);
    expect(await prepared((sql) => dataSource.query(sql))).toEqual([]);
  });
});
