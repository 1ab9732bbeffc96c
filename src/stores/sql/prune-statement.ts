import { quoteIdentifier, type SqlDialect } from "./sql-executor.js";

/**
 * The single DELETE that removes up to `limit` expired rows of `table` (optionally schema-qualified,
 * `"auth.Session"`), for parameters `(now, limit)`; `columns` names its `id` and `expiresAt` columns
 * where the database's names differ. On PostgreSQL, `FOR UPDATE SKIP LOCKED` lets
 * prunes on several hosts take disjoint batches; MySQL/MariaDB reject LIMIT in an IN (subquery) but
 * take it on DELETE itself; SQLite runs one writer at a time, so there is nothing to skip.
 */
export function pruneStatementFor(
  dialect: SqlDialect,
  table: string,
  columns: { id: string; expiresAt: string } = { id: "id", expiresAt: "expiresAt" },
): string {
  const [t, id, expiresAt] = [table, columns.id, columns.expiresAt].map((name) => quoteIdentifier(dialect, name));
  switch (dialect) {
    case "postgres":
      return `DELETE FROM ${t} WHERE ${id} IN (SELECT ${id} FROM ${t} WHERE ${expiresAt} <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`;
    case "mysql":
      return `DELETE FROM ${t} WHERE ${expiresAt} <= ? ORDER BY ${expiresAt} LIMIT ?`;
    case "sqlite":
      return `DELETE FROM ${t} WHERE ${id} IN (SELECT ${id} FROM ${t} WHERE ${expiresAt} <= ? ORDER BY ${expiresAt} LIMIT ?)`;
  }
}
