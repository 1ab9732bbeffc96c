/** The databases the session entity and migration support, named as in the DataSource's `type`. */
export type SessionDatabaseType = "postgres" | "mysql" | "mariadb";

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
