import type { SqlDialect } from "./sql/sql-executor.js";

/** The raw-SQL methods of a Prisma client (public API). */
export interface RawSqlClient {
  $queryRawUnsafe(sql: string, ...values: unknown[]): Promise<unknown>;
  $executeRawUnsafe(sql: string, ...values: unknown[]): Promise<number>;
}

/**
 * The database family behind a Prisma client, asked of the database itself (Prisma's public raw-query
 * API; the client's provider is not public): `SELECT version()` on PostgreSQL and MySQL/MariaDB,
 * `sqlite_version()` on SQLite. `null` for a database whose statements sessionrow does not write by
 * hand (CockroachDB, SQL Server, MongoDB).
 */
export async function dialectOf(client: RawSqlClient): Promise<SqlDialect | null> {
  const version = (await versionOf(client, "SELECT version() AS version")) ?? "";
  if (/^PostgreSQL /.test(version)) return "postgres";
  // MySQL answers "8.4.3", MariaDB "10.11.6-MariaDB-...".
  if (/^\d+\.\d+\.\d+/.test(version)) return "mysql";
  if (version === "" && (await versionOf(client, "SELECT sqlite_version() AS version")) !== undefined) return "sqlite";
  return null;
}

async function versionOf(client: RawSqlClient, sql: string): Promise<string | undefined> {
  try {
    const rows = (await client.$queryRawUnsafe(sql)) as { version?: unknown }[];
    return String(rows[0]?.version ?? "");
  } catch {
    return undefined;
  }
}
