import type { EventEmitter } from "node:events";
import { PGliteDriver, getPGliteInstance } from "typeorm-pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { applyMigrations } from "../../scripts/lib/prisma-schema-engine.js";
import { PrismaClient } from "../../generated/prisma/client.js";
import { openTypeORM, type TypeORMTestDatabase } from "../support/typeorm.js";
import { describeStoreContract } from "./store-contract.js";
import { prismaFixtures, typeormFixtures } from "./store-fixtures.js";
import { describeTypeORMSpecifics } from "./typeorm-contract.js";

// One embedded PGlite (a new one takes seconds to initialise) holds both ORMs' tables: Prisma's
// "User"/"Session"/... and TypeORM's "user"/"session"/..., which PostgreSQL keeps apart.
let typeorm: TypeORMTestDatabase;
let prisma: PrismaClient;

beforeAll(async () => {
  // Prisma migrates only an empty database: its migrations run before TypeORM's.
  typeorm = await openTypeORM({ type: "postgres", driver: new PGliteDriver().driver, installExtensions: false }, async () => {
    // typeorm-pglite's CommonJS typings name the same PGlite class as another type.
    const pglite = (await getPGliteInstance()) as unknown as ConstructorParameters<typeof PrismaPGlite>[0];
    await applyMigrations({ adapterFactory: new PrismaPGlite(pglite), migrationsDir: "prisma/migrations", schemaPath: "prisma/schema.prisma" });
    prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  });
  // typeorm-pglite hands every query the same pool object, and TypeORM adds an error listener per
  // query in flight: 20 parallel saves are not a leak.
  (typeorm.dataSource.driver as unknown as { master: EventEmitter }).master.setMaxListeners(50);
}, 60_000);

afterAll(async () => {
  await prisma?.$disconnect();
  await typeorm?.close();
});

const prismaStores = prismaFixtures(() => prisma, "postgresql");
describeStoreContract("PrismaStore on PGlite (int user ids)", "int", prismaStores.int);
describeStoreContract("PrismaStore on PGlite (string user ids)", "string", prismaStores.string);

const typeormStores = typeormFixtures(() => typeorm, "postgresql");
// typeorm-pglite gives every query runner the same connection, so TypeORM's transactions do not
// isolate: the store does not lock rows there (its saves stay optimistic).
const withoutLocks = <T>(fixture: () => Promise<T>) => async () => ({ ...(await fixture()), locksRows: false });
describeStoreContract("TypeORMStore on PGlite (int user ids)", "int", withoutLocks(typeormStores.int));
describeStoreContract("TypeORMStore on PGlite (uuid user ids)", "string", withoutLocks(typeormStores.string));

describeTypeORMSpecifics("PGlite", () => typeorm);
