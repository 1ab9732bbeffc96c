import { randomUUID } from "node:crypto";
import type { DataSource } from "typeorm";
import { PGliteDriver, getPGliteInstance } from "typeorm-pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { SessionStore } from "../../src/index.js";
import { PrismaStore } from "../../src/prisma.js";
import { TypeORMStore } from "../../src/typeorm.js";
import { applyMigrations } from "../../scripts/lib/prisma-schema-engine.js";
import { PrismaClient } from "../../generated/prisma/client.js";
import { createMariaDbDatabase, createMariaDbTestDatabase } from "./mariadb.js";
import { poolerUrl } from "./pgbouncer.js";
import { createTestDatabase } from "./postgres.js";
import { createSqliteDatabase, createSqliteTestDatabase, openSqliteTypeORM } from "./sqlite.js";
import { openTypeORM, User, type TypeORMTestDatabase } from "./typeorm.js";

/** A SQL store on a fresh database, with int user ids. */
export interface OpenedStore {
  store: SessionStore<number, { id: number }>;
  createUser(): Promise<number>;
  /**
   * Environment for a child process to open the same database with `openStoreFromEnv` (child-store.ts);
   * `null` for embedded PGlite, which one process owns.
   */
  childEnv: Record<string, string> | null;
  close(): Promise<void>;
}

/** One SQL store x database combination. */
export interface SqlStoreTarget {
  name: string;
  /** The database server kind. */
  database: "postgresql" | "mariadb" | "pglite" | "sqlite";
  /** Whether several processes can share the database (not embedded PGlite; SQLite on one host). */
  multiProcess: boolean;
  open(): Promise<OpenedStore>;
}

type UserRepository = { save(user: { email: string }): Promise<{ id: number }> };

function typeormUsers(dataSource: DataSource): () => Promise<number> {
  const users = dataSource.getRepository(User) as unknown as UserRepository;
  return async () => (await users.save({ email: `${randomUUID()}@example.com` })).id;
}

function prismaUsers(prisma: { user: { create(args: { data: { email: string; name: string } }): PromiseLike<{ id: number }> } }) {
  return async () => (await prisma.user.create({ data: { email: `${randomUUID()}@example.com`, name: "U" } })).id;
}

const allSqlStoreTargets: SqlStoreTarget[] = [
  {
    name: "Prisma on PostgreSQL",
    database: "postgresql",
    multiProcess: true,
    async open() {
      const db = await createTestDatabase();
      return {
        store: new PrismaStore<number, { id: number }>(db.prisma),
        createUser: prismaUsers(db.prisma),
        childEnv: { SESSIONROW_TEST_STORE: "prisma-postgres", SESSIONROW_TEST_URL: db.url },
        close: () => db.drop(),
      };
    },
  },
  {
    name: "TypeORM on PostgreSQL",
    database: "postgresql",
    multiProcess: true,
    async open() {
      const db = await createTestDatabase();
      const typeorm = await openTypeORM({ type: "postgres", url: db.url });
      return {
        store: new TypeORMStore<number, { id: number }>(typeorm.dataSource, { entity: typeorm.Session }),
        createUser: typeormUsers(typeorm.dataSource),
        childEnv: { SESSIONROW_TEST_STORE: "typeorm-postgres", SESSIONROW_TEST_URL: db.url },
        close: async () => {
          await typeorm.close();
          await db.drop();
        },
      };
    },
  },
  {
    name: "Prisma on MariaDB",
    database: "mariadb",
    multiProcess: true,
    async open() {
      const db = await createMariaDbTestDatabase();
      return {
        store: new PrismaStore<number, { id: number }>(db.prisma),
        createUser: prismaUsers(db.prisma),
        childEnv: { SESSIONROW_TEST_STORE: "prisma-mariadb", SESSIONROW_TEST_URL: db.url },
        close: () => db.drop(),
      };
    },
  },
  {
    name: "TypeORM on MariaDB",
    database: "mariadb",
    multiProcess: true,
    async open() {
      const db = await createMariaDbDatabase();
      const typeorm = await openTypeORM({ type: "mariadb", url: db.url, timezone: "Z" });
      return {
        store: new TypeORMStore<number, { id: number }>(typeorm.dataSource, { entity: typeorm.Session }),
        createUser: typeormUsers(typeorm.dataSource),
        childEnv: { SESSIONROW_TEST_STORE: "typeorm-mariadb", SESSIONROW_TEST_URL: db.url },
        close: async () => {
          await typeorm.close();
          await db.drop();
        },
      };
    },
  },
  {
    name: "Prisma on SQLite",
    database: "sqlite",
    multiProcess: true,
    async open() {
      const db = await createSqliteTestDatabase();
      return {
        store: new PrismaStore<number, { id: number }>(db.prisma),
        createUser: prismaUsers(db.prisma),
        childEnv: { SESSIONROW_TEST_STORE: "prisma-sqlite", SESSIONROW_TEST_URL: db.url },
        close: () => db.drop(),
      };
    },
  },
  {
    name: "TypeORM on SQLite",
    database: "sqlite",
    multiProcess: true,
    async open() {
      const db = createSqliteDatabase();
      const typeorm = await openSqliteTypeORM(db.file);
      return {
        store: new TypeORMStore<number, { id: number }>(typeorm.dataSource, { entity: typeorm.Session }),
        createUser: typeormUsers(typeorm.dataSource),
        childEnv: { SESSIONROW_TEST_STORE: "typeorm-sqlite", SESSIONROW_TEST_URL: db.file },
        close: async () => {
          await typeorm.close();
          db.remove();
        },
      };
    },
  },
  {
    name: "Prisma on PGlite",
    database: "pglite",
    multiProcess: false,
    async open() {
      const pglite = await sharedPglite();
      return {
        store: new PrismaStore<number, { id: number }>(pglite.prisma),
        createUser: prismaUsers(pglite.prisma),
        childEnv: null,
        close: async () => undefined,
      };
    },
  },
  {
    name: "TypeORM on PGlite",
    database: "pglite",
    multiProcess: false,
    async open() {
      const { typeorm } = await sharedPglite();
      return {
        store: new TypeORMStore<number, { id: number }>(typeorm.dataSource, { entity: typeorm.Session }),
        createUser: typeormUsers(typeorm.dataSource),
        childEnv: null,
        close: async () => undefined,
      };
    },
  },
];

/**
 * Every SQL store x database the reliability tests run on; in the PgBouncer suite, only the
 * PostgreSQL ones, which are the ones that connect through it.
 */
export const sqlStoreTargets = allSqlStoreTargets.filter((target) => poolerUrl() === undefined || target.database === "postgresql");

let pglite: Promise<{ prisma: PrismaClient; typeorm: TypeORMTestDatabase }> | undefined;

/**
 * The embedded PGlite of this test file, with both ORMs' tables (typeorm-pglite keeps one instance
 * per process). Opened on first use, closed after the file's tests.
 */
function sharedPglite(): Promise<{ prisma: PrismaClient; typeorm: TypeORMTestDatabase }> {
  pglite ??= (async () => {
    let prisma!: PrismaClient;
    const typeorm = await openTypeORM({ type: "postgres", driver: new PGliteDriver().driver, installExtensions: false }, async () => {
      const instance = (await getPGliteInstance()) as unknown as ConstructorParameters<typeof PrismaPGlite>[0];
      await applyMigrations({ adapterFactory: new PrismaPGlite(instance), migrationsDir: "prisma/migrations", schemaPath: "prisma/schema.prisma" });
      prisma = new PrismaClient({ adapter: new PrismaPGlite(instance) });
    });
    // typeorm-pglite hands every query the same pool object; TypeORM adds a listener per query in flight.
    (typeorm.dataSource.driver as unknown as { master: { setMaxListeners(n: number): void } }).master.setMaxListeners(500);
    return { prisma, typeorm };
  })();
  return pglite;
}

afterAll(async () => {
  if (!pglite) return;
  const { prisma, typeorm } = await pglite;
  await prisma.$disconnect();
  await typeorm.close();
});
