import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { applyMigrations } from "../scripts/lib/prisma-schema-engine.js";

/** Users seeded in the bench database; sessions point at them round-robin. */
export const USER_COUNT = 1000;

/** A bulk-inserted session's raw token: 43 base64url characters derived from its number. */
export function bulkToken(n: number): string {
  return `bench${String(n).padStart(38, "0")}`;
}

const require = createRequire(import.meta.url);

/**
 * Drops and recreates the bench database, then creates every contender's tables: sessionrow's by
 * applying prisma/migrations (as `prisma migrate deploy` would), connect-pg-simple's from its
 * table.sql, prisma-session-store's for its README model, connect-typeorm's for its README entity.
 * Seeds {@link USER_COUNT} users. Returns the database's URL.
 */
export async function resetBenchDatabase(serverUrl: string, name: string): Promise<string> {
  await withClient(serverUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
  });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  await applyMigrations({
    adapterFactory: new PrismaPg({ connectionString: databaseUrl }),
    migrationsDir: "prisma/migrations",
    schemaPath: "prisma/schema.prisma",
  });
  const pgSimpleTable = await readFile(path.join(path.dirname(require.resolve("connect-pg-simple")), "table.sql"), "utf8");
  await withClient(databaseUrl, async (client) => {
    await client.query(pgSimpleTable);
    await client.query(PRISMA_SESSION_STORE_DDL);
    await client.query(CONNECT_TYPEORM_SESSION_DDL);
    await client.query(
      `INSERT INTO "User" ("email", "name") SELECT 'user' || i || '@example.com', 'User ' || i FROM generate_series(1, ${USER_COUNT}) AS i`,
    );
  });
  return databaseUrl;
}

/** The table of connect-typeorm's README entity (connect-typeorm-entity.ts), as TypeORM's synchronize would create it. */
const CONNECT_TYPEORM_SESSION_DDL = `
CREATE TABLE "connect_typeorm_session" (
  "expiredAt" bigint NOT NULL,
  "id" varchar(255) NOT NULL PRIMARY KEY,
  "json" text NOT NULL,
  "destroyedAt" timestamp NULL
);
CREATE INDEX "IDX_connect_typeorm_session_expiredAt" ON "connect_typeorm_session" ("expiredAt");
`;

/** The table for prisma-session-store's README model (bench/prisma/schema.prisma), as Prisma Migrate would create it. */
const PRISMA_SESSION_STORE_DDL = `
CREATE TABLE "prisma_session_store" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "sid" TEXT NOT NULL,
  "data" TEXT NOT NULL,
  "expiresAt" TIMESTAMP(3) NOT NULL
);
CREATE UNIQUE INDEX "prisma_session_store_sid_key" ON "prisma_session_store" ("sid");
`;

/** A range of bulk-inserted sessions, numbered `from` to `to` (inclusive). */
export interface SessionRange {
  from: number;
  to: number;
  state: "live" | "expired";
}

/**
 * Empties sessionrow's "Session" table and fills it with generated sessions: id = SHA-256 of
 * {@link bulkToken}, a user, `{"theme":"dark"}`; live for another hour, or expired an hour ago. One
 * INSERT ... SELECT generate_series per range, with the table's indexes and constraints dropped
 * during the load and re-created afterwards from their own definitions (3x faster than inserting
 * into the indexes), then VACUUM ANALYZE and a CHECKPOINT (so that flushing the load's writes does
 * not land in a measurement). Returns the table's size.
 */
export async function loadSessions(databaseUrl: string, ranges: readonly SessionRange[]): Promise<{ rows: number; bytes: number }> {
  return withClient(databaseUrl, async (client) => {
    const { rows: constraints } = await client.query<{ name: string; type: string; definition: string }>(
      `SELECT conname AS name, contype AS type, pg_get_constraintdef(oid) AS definition
       FROM pg_constraint WHERE conrelid = '"Session"'::regclass AND contype IN ('p', 'f', 'u')`,
    );
    const { rows: indexes } = await client.query<{ name: string; definition: string }>(
      `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS definition
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
       WHERE x.indrelid = '"Session"'::regclass
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid)`,
    );
    await client.query('TRUNCATE "Session"');
    for (const constraint of constraints) await client.query(`ALTER TABLE "Session" DROP CONSTRAINT "${constraint.name}"`);
    for (const index of indexes) await client.query(`DROP INDEX "${index.name}"`);
    for (const range of ranges) {
      const expiresAt = range.state === "live" ? "now() + interval '1 hour'" : "now() - interval '1 hour'";
      await client.query(
        `INSERT INTO "Session" ("id", "userId", "data", "version", "createdAt", "updatedAt", "lastSeenAt", "expiresAt", "absoluteExpiresAt")
         SELECT encode(sha256(convert_to('bench' || lpad(i::text, 38, '0'), 'UTF8')), 'hex'), 1 + i % ${USER_COUNT},
                '{"theme":"dark"}'::jsonb, 1, now() - interval '2 hours', now(), now(), ${expiresAt}, now() + interval '7 days'
         FROM generate_series($1::int, $2::int) AS i`,
        [range.from, range.to],
      );
    }
    // Primary and unique keys first: foreign keys elsewhere may reference them.
    const order = (type: string) => (type === "f" ? 1 : 0);
    for (const constraint of [...constraints].sort((a, b) => order(a.type) - order(b.type))) {
      await client.query(`ALTER TABLE "Session" ADD CONSTRAINT "${constraint.name}" ${constraint.definition}`);
    }
    for (const index of indexes) await client.query(index.definition);
    await client.query('VACUUM ANALYZE "Session"');
    await client.query("CHECKPOINT");
    const { rows } = await client.query<{ rows: string; bytes: string }>(
      `SELECT count(*) AS rows, pg_total_relation_size('"Session"') AS bytes FROM "Session"`,
    );
    return { rows: Number(rows[0]!.rows), bytes: Number(rows[0]!.bytes) };
  });
}

/** Runs `use` with a connected client, then closes it. */
export async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}
