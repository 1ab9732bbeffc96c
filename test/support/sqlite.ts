import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PrismaLibSql } from "@prisma/adapter-libsql";
import Database from "libsql";
import { applyMigrations } from "../../scripts/lib/prisma-schema-engine.js";
import { PrismaClient } from "../../generated/prisma-sqlite/client.js";
import { openTypeORM, type TypeORMTestDatabase } from "./typeorm.js";

/** How long a write waits for another connection's lock before failing with SQLITE_BUSY. */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

/** A throwaway SQLite database file in a directory of its own. */
export interface SqliteDatabase {
  /** The database file's path. */
  file: string;
  /** `file:` URL of the database, for `@prisma/adapter-libsql`. */
  url: string;
  /** Removes the directory holding the file (and its WAL files). */
  remove(): void;
}

/** A throwaway SQLite database with `prisma/sqlite/migrations` applied and a Prisma client on it. */
export interface SqliteTestDatabase extends SqliteDatabase {
  /** A Prisma client on `@prisma/adapter-libsql` (closed by `drop`). */
  prisma: PrismaClient;
  /** Disconnects and removes the database. */
  drop(): Promise<void>;
}

/** Creates an empty SQLite database file for one test file; SQLite needs no server. */
export function createSqliteDatabase(): SqliteDatabase {
  const directory = mkdtempSync(path.join(tmpdir(), "sessionrow-sqlite-"));
  const file = path.join(directory, "test.db");
  return { file, url: `file:${file}`, remove: () => rmSync(directory, { recursive: true, force: true }) };
}

/** The adapter as an app would configure it: waiting for locks instead of failing at once. */
export function libsqlAdapter(url: string): PrismaLibSql {
  return new PrismaLibSql({ url, timeout: SQLITE_BUSY_TIMEOUT_MS });
}

/**
 * Creates a database file for one test file, switches it to WAL (readers never wait for the writer)
 * and applies `prisma/sqlite/migrations` like `prisma migrate deploy` (recorded in `_prisma_migrations`).
 */
export async function createSqliteTestDatabase(): Promise<SqliteTestDatabase> {
  const database = createSqliteDatabase();
  try {
    const setup = new PrismaClient({ adapter: libsqlAdapter(database.url) });
    await setup.$queryRawUnsafe("PRAGMA journal_mode = WAL");
    await setup.$disconnect();
    await applyMigrations({
      adapterFactory: libsqlAdapter(database.url),
      migrationsDir: "prisma/sqlite/migrations",
      schemaPath: "prisma/sqlite/schema.prisma",
    });
  } catch (error) {
    database.remove();
    throw error;
  }
  const prisma = new PrismaClient({ adapter: libsqlAdapter(database.url) });
  return {
    ...database,
    prisma,
    drop: async () => {
      await prisma.$disconnect();
      database.remove();
    },
  };
}

/**
 * TypeORM's SQLite options as an app would set them: the `better-sqlite3` driver type given `libsql`
 * (a better-sqlite3 compatible API with prebuilt binaries, so nothing is compiled), WAL, and a busy
 * timeout.
 */
export function sqliteDataSourceOptions(file: string): { type: "better-sqlite3"; database: string; driver: unknown; enableWAL: true; timeout: number } {
  return { type: "better-sqlite3", database: file, driver: libsqlDriver, enableWAL: true, timeout: SQLITE_BUSY_TIMEOUT_MS };
}

/** libsql's Database, callable without `new` as better-sqlite3's is: TypeORM 0.3 calls it so, 1.x with `new`. */
function libsqlDriver(filename: string, options?: ConstructorParameters<typeof Database>[1]) {
  return new Database(filename, options);
}

/** A migrated TypeORM DataSource with the test entities on the SQLite file `file`. */
export function openSqliteTypeORM(file: string): Promise<TypeORMTestDatabase> {
  return openTypeORM(sqliteDataSourceOptions(file));
}
