import type { SqlDialect } from "./sql/sql-executor.js";

/** The raw-SQL methods of a Prisma client (public API). */
export interface RawSqlClient {
  $queryRawUnsafe(sql: string, ...values: unknown[]): Promise<unknown>;
  $executeRawUnsafe(sql: string, ...values: unknown[]): Promise<number>;
  /** An interactive transaction; absent on a transaction client. */
  $transaction?<T>(work: (transaction: RawSqlClient) => Promise<T>): Promise<T>;
}

/** The database behind a Prisma client: the SQL sessionrow writes for it, and OpenTelemetry's `db.system.name`. */
export interface PrismaDatabase {
  dialect: SqlDialect;
  system: "postgresql" | "mysql" | "mariadb" | "sqlite";
}

/**
 * The database behind a Prisma client, asked of the database itself (Prisma's public raw-query API;
 * the client's provider is not public): `SELECT version()` on PostgreSQL and MySQL/MariaDB,
 * `sqlite_version()` on SQLite. `null` for a database whose statements sessionrow does not write by
 * hand (CockroachDB, SQL Server).
 * @throws the client's error when the database does not answer at all (nothing to conclude from).
 */
export async function databaseOf(client: RawSqlClient): Promise<PrismaDatabase | null> {
  const version = await versionOf(client, "SELECT version() AS version");
  if (version !== undefined) {
    if (/^PostgreSQL /.test(version)) return { dialect: "postgres", system: "postgresql" };
    // MySQL answers "8.4.3", MariaDB "10.11.6-MariaDB-...".
    if (/^\d+\.\d+\.\d+/.test(version)) return { dialect: "mysql", system: /mariadb/i.test(version) ? "mariadb" : "mysql" };
    return null;
  }
  if ((await versionOf(client, "SELECT sqlite_version() AS version")) !== undefined) return { dialect: "sqlite", system: "sqlite" };
  // Neither function answered: an engine without them, unless the database answers nothing at all.
  await client.$queryRawUnsafe("SELECT 1");
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
