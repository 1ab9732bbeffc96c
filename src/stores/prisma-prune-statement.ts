import { quoteIdentifier, type SqlDialect } from "./sql/sql-executor.js";

/** The raw-SQL methods of a Prisma client (public API), used for the one-statement prune. */
export interface RawSqlClient {
  $queryRawUnsafe(sql: string, ...values: unknown[]): Promise<unknown>;
  $executeRawUnsafe(sql: string, ...values: unknown[]): Promise<number>;
}

/** A one-statement batch delete of expired sessions, for `$executeRawUnsafe(sql, now, limit)`. */
export interface PruneStatement {
  sql: string;
}

/**
 * The database family behind a Prisma client, asked of the database itself with `SELECT version()`
 * (Prisma's public raw-query API; the client's provider is not public): `null` for a database whose
 * prune sessionrow does not write by hand (SQLite, which has no `version()`; CockroachDB).
 */
export async function dialectOf(client: RawSqlClient): Promise<SqlDialect | null> {
  let rows: unknown;
  try {
    rows = await client.$queryRawUnsafe("SELECT version() AS version");
  } catch {
    return null;
  }
  const version = String((rows as { version?: unknown }[])[0]?.version ?? "");
  if (/^PostgreSQL /.test(version)) return "postgres";
  if (/^CockroachDB/.test(version)) return null;
  // MySQL answers "8.4.3", MariaDB "10.11.6-MariaDB-...".
  return /^\d+\.\d+\.\d+/.test(version) ? "mysql" : null;
}

/**
 * The single DELETE that removes up to `limit` expired rows of `table` (optionally schema-qualified,
 * `"auth.Session"`). On PostgreSQL, `FOR UPDATE SKIP LOCKED` lets prunes on several hosts take
 * disjoint batches; MySQL/MariaDB reject LIMIT in an IN (subquery) but take it on DELETE itself.
 */
export function pruneStatementFor(dialect: SqlDialect, table: string): PruneStatement {
  const [t, id, expiresAt] = [table, "id", "expiresAt"].map((name) => quoteIdentifier(dialect, name));
  if (dialect === "mysql") return { sql: `DELETE FROM ${t} WHERE ${expiresAt} <= ? ORDER BY ${expiresAt} LIMIT ?` };
  return { sql: `DELETE FROM ${t} WHERE ${id} IN (SELECT ${id} FROM ${t} WHERE ${expiresAt} <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED)` };
}
