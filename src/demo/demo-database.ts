import { mkdir } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { lockDataDir } from "./data-dir-lock.js";
import { applyMigrations, type MigrationAdapterFactory } from "../../scripts/lib/prisma-schema-engine.js";
import { PrismaClient } from "../../generated/prisma/client.js";
import type { DemoPrisma } from "./demo-session.js";

/** The demo's database, migrated and ready. */
export interface DemoDatabase {
  prisma: DemoPrisma;
  /** Where sessions live, for logs and the page footer (never includes a password). */
  label: string;
  /** Migrations applied by this start (empty when the schema was up to date). */
  appliedMigrations: string[];
  /** Disconnects Prisma and closes the embedded database. */
  close(): Promise<void>;
}

/** Where to store data: PostgreSQL at `databaseUrl`, else embedded PGlite under `dataDir`. */
export interface DemoDatabaseOptions {
  databaseUrl?: string | undefined;
  dataDir: string;
}

// Relative to the working directory, like the schema engine's own module lookup: run from the repository root.
const MIGRATIONS = { migrationsDir: "prisma/migrations", schemaPath: "prisma/schema.prisma" };

async function migrate(adapterFactory: MigrationAdapterFactory): Promise<string[]> {
  return applyMigrations({ adapterFactory, ...MIGRATIONS });
}

/**
 * Opens the demo's database and applies `prisma/migrations` (like `prisma migrate deploy`). A new
 * PGlite data directory takes a few seconds to initialise; reopening it is fast.
 */
export async function openDemoDatabase(options: DemoDatabaseOptions): Promise<DemoDatabase> {
  if (options.databaseUrl) {
    const url = new URL(options.databaseUrl);
    const appliedMigrations = await migrate(new PrismaPg({ connectionString: options.databaseUrl }));
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: options.databaseUrl }) });
    return {
      prisma,
      label: `PostgreSQL at ${url.hostname}:${url.port || "5432"}${url.pathname}`,
      appliedMigrations,
      close: () => prisma.$disconnect(),
    };
  }
  const unlock = await lockDataDir(options.dataDir);
  const directory = path.join(options.dataDir, "pglite");
  let pglite: PGlite | undefined;
  try {
    await mkdir(directory, { recursive: true });
    const database = await PGlite.create(directory);
    pglite = database;
    const appliedMigrations = await migrate(new PrismaPGlite(database));
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(database) });
    return {
      prisma,
      label: `embedded PGlite (${directory})`,
      appliedMigrations,
      close: async () => {
        await prisma.$disconnect();
        await database.close();
        await unlock();
      },
    };
  } catch (error) {
    await pglite?.close();
    await unlock();
    throw error;
  }
}
