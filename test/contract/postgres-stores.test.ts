import { randomBytes, randomUUID } from "node:crypto";
import { DataSource, EntitySchema, type QueryRunner } from "typeorm";
import { SessionManager } from "../../src/index.js";
import { createSessionEntity, createSessionMigration } from "../../src/typeorm.js";
import { simulateRequest } from "../support/simulate-request.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";
import { openTypeORM, type TypeORMTestDatabase } from "../support/typeorm.js";
import { describeStoreContract } from "./store-contract.js";
import { prismaFixtures, typeormFixtures } from "./store-fixtures.js";
import { describeTypeORMSpecifics } from "./typeorm-contract.js";

// One database holds both ORMs' tables: Prisma's "User"/"Session"/... and TypeORM's
// "user"/"session"/..., which PostgreSQL keeps apart.
let database: TestDatabase;
let typeorm: TypeORMTestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  typeorm = await openTypeORM({ type: "postgres", url: database.url });
});

afterAll(async () => {
  await typeorm?.close();
  await database?.drop();
});

const prismaStores = prismaFixtures(() => database.prisma, "postgresql");
describeStoreContract("PrismaStore on PostgreSQL (int user ids)", "int", prismaStores.int);
describeStoreContract("PrismaStore on PostgreSQL (string user ids)", "string", prismaStores.string);

const typeormStores = typeormFixtures(() => typeorm, "postgresql");
describeStoreContract("TypeORMStore on PostgreSQL (int user ids)", "int", typeormStores.int);
describeStoreContract("TypeORMStore on PostgreSQL (uuid user ids)", "string", typeormStores.string);

// The same contract with sessionrow's statements straight to the pool the client's adapter wraps (option pool).
const pooledPrismaStores = prismaFixtures(() => database.prisma, "postgresql", {
  get pool() {
    return database.pool;
  },
});
describeStoreContract("PrismaStore on PostgreSQL with { pool } (int user ids)", "int", pooledPrismaStores.int);
describeStoreContract("PrismaStore on PostgreSQL with { pool } (string user ids)", "string", pooledPrismaStores.string);

// The same contract with the ORM's query API instead of sessionrow's raw SQL (option rawSql: false).
describeStoreContract("PrismaStore on PostgreSQL through the model API (int user ids)", "int", prismaFixtures(() => database.prisma, "postgresql", { rawSql: false }).int);
describeStoreContract("TypeORMStore on PostgreSQL through the query builder (uuid user ids)", "string", typeormFixtures(() => typeorm, "postgresql", { rawSql: false }).string);

describeTypeORMSpecifics("PostgreSQL", () => typeorm);

describe("TypeORM with a User EntitySchema", () => {
  interface Member {
    id: string;
    name: string;
  }
  const MemberSchema = new EntitySchema<Member>({
    name: "Member",
    tableName: "member",
    columns: { id: { type: "varchar", length: 36, primary: true, primaryKeyConstraintName: "member_pkey" }, name: { type: "varchar", length: 100 } },
  });
  const MemberSession = createSessionEntity(MemberSchema, { name: "MemberSession", tableName: "member_session" });
  class CreateMemberTable1700000000000 {
    async up(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`CREATE TABLE "member" ("id" character varying(36) NOT NULL, "name" character varying(100) NOT NULL, CONSTRAINT "member_pkey" PRIMARY KEY ("id"))`);
    }
    async down(): Promise<void> {}
  }

  it("makes the session entity an EntitySchema too, which the store and migration handle", async () => {
    const dataSource = new DataSource({
      type: "postgres",
      url: database.url,
      migrationsTableName: "member_migrations",
      entities: [MemberSchema, MemberSession],
      migrations: [
        CreateMemberTable1700000000000,
        createSessionMigration({ type: "postgres", tableName: "member_session", userTable: "member", userIdType: "character varying" }),
      ],
    });
    await dataSource.initialize();
    try {
      await dataSource.runMigrations();
      expect(MemberSession).toBeInstanceOf(EntitySchema);
      expect((await dataSource.driver.createSchemaBuilder().log()).upQueries).toEqual([]);
      const sessions = SessionManager.fromTypeORM(dataSource, { secret: randomBytes(32).toString("hex"), preloadUser: true });
      const member = await dataSource.getRepository(MemberSchema).save({ id: randomUUID(), name: "M" });
      const token = await simulateRequest(sessions, null, (session) => session.setUser(member.id));
      expect(await (await sessions.load(token)).user()).toEqual(member);
    } finally {
      await dataSource.destroy();
    }
  });
});
