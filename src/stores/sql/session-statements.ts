import { SESSION_COLUMNS } from "../session-row.js";
import { SqlSyntax, type SqlDialect } from "./sql-executor.js";

/** A column of the session table, by its property name. */
export type SessionColumn = (typeof SESSION_COLUMNS)[number];

/** The columns a version-checked update writes, in parameter order; `id` changes when the token rotates. */
export const UPDATE_COLUMNS = ["id", "userId", "data", "version", "updatedAt", "lastSeenAt", "expiresAt"] as const satisfies readonly SessionColumn[];

/**
 * The prefix of the session columns in a SELECT joined with the user table: the user's columns keep
 * their own names (`u.*`), so the session's must not collide with them.
 */
export const JOINED_SESSION_PREFIX = "__sessionrow_";

/** The user table a session row's `userId` refers to, as the database names it. */
export interface UserTable {
  /** The table, optionally schema-qualified (`"auth.User"`). */
  table: string;
  /** The column `userId` refers to. */
  key: string;
}

/** Options of {@link SessionStatements}. */
export interface SessionStatementsOptions {
  /** The database's name of each column whose name is not its property name. */
  columns?: Partial<Record<SessionColumn, string>>;
  /** The user table, for {@link SessionStatements.loadWithUser}. */
  users?: UserTable;
}

/**
 * The text of sessionrow's own statements for one dialect and session table, written once. Every
 * statement is one round trip; UPDATE and DELETE on PostgreSQL say `RETURNING 1`, so that the rows
 * they matched can be counted on any client, including those that report no row count (PGlite).
 *
 * Parameters, in order:
 * - `load`, `loadForUpdate`, `loadWithUser`, `delete`: id;
 * - `insert`: every column, in `SESSION_COLUMNS` order;
 * - `update`: the `UPDATE_COLUMNS`, then id, expected version, now, now;
 * - `touch`: lastSeenAt, expiresAt, id, now, now;
 * - `mergeUpdate`: id, updatedAt, lastSeenAt, expiresAt, now, now, then as JSON text the keys set
 *   (an object), the keys deleted (an array) and the amounts added (an object), then the most bytes
 *   of the merged data's JSON text.
 */
export class SessionStatements {
  readonly load: string;
  /** `load` that also locks the row until the transaction ends (`FOR UPDATE`; SQLite locks on write). */
  readonly loadForUpdate: string;
  /** The session row with its user's columns (`LEFT JOIN`), or `null` without a user table. */
  readonly loadWithUser: string | null;
  /** The user table of `loadWithUser`, whose `key` column is null in a joined row without a user. */
  readonly users: UserTable | null;
  readonly insert: string;
  readonly update: string;
  readonly touch: string;
  readonly delete: string;
  /**
   * Applies keys set, deleted and added to the row's data as it is, in one statement with no version
   * check, and returns the row written; `null` where the dialect has no such statement (PostgreSQL
   * only: MySQL's JSON functions cannot add up a dynamic list of keys in one statement).
   */
  readonly mergeUpdate: string | null;

  constructor(dialect: SqlDialect, table: string, options: SessionStatementsOptions = {}) {
    const sql = new SqlSyntax(dialect);
    const column = (name: SessionColumn) => sql.identifier(options.columns?.[name] ?? name);
    const sessions = sql.identifier(table);
    const returning = dialect === "postgres" ? " RETURNING 1" : "";
    const select = (prefix: string, qualifier: string) =>
      SESSION_COLUMNS.map((name) => `${qualifier}${column(name)} AS ${sql.identifier(prefix + name)}`).join(", ");
    // The expiry is checked in the statement: a request that loaded a live session must not revive it.
    const liveAt = (index: number) => `${column("expiresAt")} > ${sql.param(index)} AND ${column("absoluteExpiresAt")} > ${sql.param(index + 1)}`;

    this.users = options.users ?? null;
    this.load = `SELECT ${select("", "")} FROM ${sessions} WHERE ${column("id")} = ${sql.param(1)}`;
    this.loadForUpdate = dialect === "sqlite" ? this.load : `${this.load} FOR UPDATE`;
    this.loadWithUser =
      options.users === undefined
        ? null
        : `SELECT ${select(JOINED_SESSION_PREFIX, "s.")}, u.* FROM ${sessions} s ` +
          `LEFT JOIN ${sql.identifier(options.users.table)} u ON u.${sql.identifier(options.users.key)} = s.${column("userId")} ` +
          `WHERE s.${column("id")} = ${sql.param(1)}`;
    this.insert =
      `INSERT INTO ${sessions} (${SESSION_COLUMNS.map(column).join(", ")}) ` +
      `VALUES (${SESSION_COLUMNS.map((_, index) => sql.param(index + 1)).join(", ")})`;
    const set = UPDATE_COLUMNS.map((name, index) => `${column(name)} = ${sql.param(index + 1)}`).join(", ");
    const next = UPDATE_COLUMNS.length + 1;
    this.update =
      `UPDATE ${sessions} SET ${set} ` +
      `WHERE ${column("id")} = ${sql.param(next)} AND ${column("version")} = ${sql.param(next + 1)} AND ${liveAt(next + 2)}${returning}`;
    this.touch =
      `UPDATE ${sessions} SET ${column("lastSeenAt")} = ${sql.param(1)}, ${column("expiresAt")} = ${sql.param(2)} ` +
      `WHERE ${column("id")} = ${sql.param(3)} AND ${liveAt(4)}${returning}`;
    this.delete = `DELETE FROM ${sessions} WHERE ${column("id")} = ${sql.param(1)}${returning}`;
    this.mergeUpdate = dialect === "postgres" ? postgresMergeUpdate(sessions, column, select("", "s.")) : null;
  }
}

/**
 * The merged update on PostgreSQL: `(data - deleted) || set || { key: (data->>key)::numeric + amount }`,
 * computed from the row as it is when the row lock is taken (READ COMMITTED re-evaluates it on the
 * newest row after a wait), so parallel writers' other keys and increments all stay. The merged
 * data's text must fit `$10` bytes: jsonb's text (a space after `:` and `,`) is never shorter than
 * `JSON.stringify`'s, so nothing over the limit gets in.
 */
function postgresMergeUpdate(sessions: string, column: (name: SessionColumn) => string, returned: string): string {
  const data = `s.${column("data")}`;
  const merged =
    `(${data} - ARRAY(SELECT jsonb_array_elements_text($8::jsonb))) || $7::jsonb || ` +
    `COALESCE((SELECT jsonb_object_agg(added.key, added.value::numeric + ` +
    // Cast only numbers: the condition that refuses other values may be evaluated after this.
    `CASE WHEN jsonb_typeof(${data} -> added.key) = 'number' THEN (${data} ->> added.key)::numeric ELSE 0 END) ` +
    `FROM jsonb_each_text($9::jsonb) AS added), '{}'::jsonb)`;
  return (
    `UPDATE ${sessions} AS s SET ${column("data")} = ${merged}, ${column("version")} = s.${column("version")} + 1, ` +
    `${column("updatedAt")} = $2, ${column("lastSeenAt")} = $3, ${column("expiresAt")} = $4 ` +
    `WHERE s.${column("id")} = $1 AND s.${column("expiresAt")} > $5 AND s.${column("absoluteExpiresAt")} > $6 ` +
    `AND NOT EXISTS (SELECT 1 FROM jsonb_object_keys($9::jsonb) AS added(key) WHERE jsonb_typeof(${data} -> added.key) NOT IN ('number', 'null')) ` +
    `AND octet_length((${merged})::text) <= $10::integer RETURNING ${returned}`
  );
}
