import { randomBytes } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { applyMigrations } from "../../scripts/lib/prisma-schema-engine.js";
import { PrismaClient } from "../../generated/prisma/client.js";
import { appDatabaseUrl } from "./pgbouncer.js";

/** A throwaway PostgreSQL database with the Prisma migrations applied. */
export interface TestDatabase {
  /** The URL the app connects with: through PgBouncer in the PgBouncer suite, else `directUrl`. */
  url: string;
  /** The database on the PostgreSQL server itself, as migrations and admin statements use it. */
  directUrl: string;
  /** A Prisma client on the database, its PrismaPg adapter wrapping `pool` (closed by `drop`). */
  prisma: PrismaClient;
  /** The app's `pg` pool the client's adapter wraps, as the README sets it up for sessionrow's `pool` option. */
  pool: pg.Pool;
  /** Closes connections and drops the database. */
  drop(): Promise<void>;
}

/**
 * The server the database tests run on (set by global-setup). Missing is a failure, never a skip.
 */
export function postgresUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error(
      "No PostgreSQL for the database tests: set DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/postgres), " +
        "start one with `docker compose -f docker-compose.test.yml up -d`, or install Docker for testcontainers",
    );
  }
  return url;
}

/** Creates a database of its own for one test file, applying `prisma/migrations` like `prisma migrate deploy`. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = postgresUrl();
  const name = `sessionrow_test_${randomBytes(6).toString("hex")}`;
  await adminQuery(serverUrl, `CREATE DATABASE "${name}"`);
  const directUrl = withDatabase(serverUrl, name);
  // Like `prisma migrate deploy`, which takes a session-level advisory lock: never through a transaction pooler.
  await applyMigrations({
    adapterFactory: new PrismaPg({ connectionString: directUrl }),
    migrationsDir: "prisma/migrations",
    schemaPath: "prisma/schema.prisma",
  });
  const url = appDatabaseUrl(directUrl);
  const pool = new pg.Pool({ connectionString: url });
  // Tests terminate backends on purpose (outages); an idle connection's error must not crash the run.
  pool.on("error", () => {});
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    url,
    directUrl,
    prisma,
    pool,
    drop: async () => {
      await prisma.$disconnect();
      if (!pool.ended) await pool.end();
      await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
