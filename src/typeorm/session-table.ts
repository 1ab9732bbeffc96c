import type { SqlDialect } from "../stores/sql/sql-executor.js";

/**
 * The databases the session entity and migration support, named as in the DataSource's `type`:
 * PostgreSQL (also PGlite), MySQL/MariaDB, and SQLite through any of TypeORM's SQLite drivers.
 */
export type SessionDatabaseType = "postgres" | "mysql" | "mariadb" | "better-sqlite3" | "sqlite" | "sqljs";

/** The dialect of a DataSource `type`, or null for a database sessionrow does not support. */
export function sessionDialectOf(type: string): SqlDialect | null {
  switch (type) {
    case "postgres":
      return "postgres";
    case "mysql":
    case "mariadb":
      return "mysql";
    case "better-sqlite3":
    case "sqlite":
    case "sqljs":
      return "sqlite";
    default:
      return null;
  }
}

/** The table "session" when none is given; the entity and the migration must agree on it. */
export const DEFAULT_SESSION_TABLE = "session";

/**
 * Constraint and index names of a session table. Fixed (not TypeORM's hashed defaults) so the
 * migration creates exactly what the entity declares, and schema diffs stay empty.
 */
export function sessionTableNames(table: string): {
  primaryKey: string;
  userForeignKey: string;
  userIndex: string;
  expiresAtIndex: string;
} {
  return {
    primaryKey: `${table}_pkey`,
    userForeignKey: `${table}_userId_fkey`,
    userIndex: `${table}_userId_idx`,
    expiresAtIndex: `${table}_expiresAt_idx`,
  };
}
