import { SESSION_COLUMNS } from "../session-row.js";
import type { SessionDataChanges } from "../../session-store.js";
import { pruneStatementFor } from "./prune-statement.js";
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
 * statement is one round trip; UPDATE and DELETE of one row on PostgreSQL say `RETURNING 1`, so that
 * the rows they matched can be counted on any client, including those that report no row count
 * (some PGlite versions); `prune`, which deletes a batch, counts by the driver's row count.
 *
 * Parameters, in order:
 * - `load`, `loadForUpdate`, `loadWithUser`, `delete`: id;
 * - `insert`: every column, in `SESSION_COLUMNS` order;
 * - `update`: the `UPDATE_COLUMNS`, then id, expected version, now, now;
 * - `touch`: lastSeenAt, expiresAt, id, now, now;
 * - `prune`: now, limit;
 * - `mergeUpdate(changes)`: id, updatedAt, lastSeenAt, expiresAt, now, now, the most bytes of the
 *   merged data's JSON text, then the statement's own `changeParams`.
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
  /** Deletes up to a limit of expired rows (see {@link pruneStatementFor}). */
  readonly prune: string;
  /** The merged updates, PostgreSQL only; see {@link mergeUpdate}. */
  readonly #merges: MergeStatements | null;

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
    this.prune = pruneStatementFor(dialect, table, { id: options.columns?.id ?? "id", expiresAt: options.columns?.expiresAt ?? "expiresAt" });
    this.#merges = dialect === "postgres" ? new MergeStatements(sessions, column, select("", "s.")) : null;
  }

  /**
   * The statement that applies `changes` (keys deleted, set and added) to the row's data as it is,
   * with no version check, and returns the row written; `null` where the dialect has none (PostgreSQL
   * only, for now). The keys are parameters (`changeParams`), never SQL text.
   */
  mergeUpdate(changes: SessionDataChanges): { sql: string; changeParams: unknown[] } | null {
    return this.#merges?.statementFor(changes) ?? null;
  }
}

/**
 * The merged updates on PostgreSQL, one text per shape of changes (how many keys deleted and added,
 * whether any set), written once each:
 * `((data - deleted...) || set)` then `jsonb_set(..., {key}, data->key + amount)` per key added,
 * computed from the row as it is when its lock is taken (READ COMMITTED re-evaluates it on the newest
 * row after a wait), so parallel writers' other keys and increments all stay. A key added to must
 * hold a number or null, and the sum must stay a safe integer, as in JavaScript. The merged data's
 * jsonb text must fit the byte limit: that text (a space after every `:` and `,`) is never shorter
 * than `JSON.stringify`'s, so nothing over the limit gets in, but it can be a third longer (small
 * numbers in arrays), so data near the limit is refused here and saved by the version-checked path.
 */
class MergeStatements {
  readonly #texts = new Map<string, string>();

  constructor(
    private readonly sessions: string,
    private readonly column: (name: SessionColumn) => string,
    private readonly returned: string,
  ) {}

  statementFor(changes: SessionDataChanges): { sql: string; changeParams: unknown[] } {
    const setKeys = Object.keys(changes.set).length > 0;
    const added = Object.entries(changes.added);
    const shape = `${changes.deleted.length}/${setKeys}/${added.length}`;
    let sql = this.#texts.get(shape);
    if (sql === undefined) this.#texts.set(shape, (sql = this.#text(changes.deleted.length, setKeys, added.length)));
    const changeParams: unknown[] = [...changes.deleted];
    if (setKeys) changeParams.push(JSON.stringify(changes.set));
    for (const [key, amount] of added) changeParams.push(key, amount);
    return { sql, changeParams };
  }

  #text(deleted: number, set: boolean, added: number): string {
    const { column } = this;
    // Read as jsonb whatever the column's type (jsonb, json, or JSON text): the result is assigned back as that type.
    const data = `(s.${column("data")})::jsonb`;
    let param = FIXED_MERGE_PARAMS;
    let merged = data;
    for (let index = 0; index < deleted; index++) merged = `(${merged} - $${++param}::text)`;
    if (set) merged = `(${merged} || $${++param}::jsonb)`;
    const checks: string[] = [];
    for (let index = 0; index < added; index++) {
      const key = `$${++param}::text`;
      const amount = `$${++param}::numeric`;
      // Cast only numbers: the check that refuses other values may be evaluated after this.
      const current = `CASE WHEN jsonb_typeof(${data} -> ${key}) = 'number' THEN (${data} ->> ${key})::numeric ELSE 0 END`;
      merged = `jsonb_set(${merged}, ARRAY[${key}], to_jsonb(${current} + ${amount}))`;
      checks.push(`COALESCE(jsonb_typeof(${data} -> ${key}), 'null') IN ('number', 'null')`);
      checks.push(`abs(${current} + ${amount}) <= ${Number.MAX_SAFE_INTEGER}`);
    }
    return (
      `UPDATE ${this.sessions} AS s SET ${column("data")} = ${merged}, ${column("version")} = s.${column("version")} + 1, ` +
      `${column("updatedAt")} = $2, ${column("lastSeenAt")} = $3, ${column("expiresAt")} = $4 ` +
      `WHERE s.${column("id")} = $1 AND s.${column("expiresAt")} > $5 AND s.${column("absoluteExpiresAt")} > $6 ` +
      checks.map((check) => `AND ${check} `).join("") +
      `AND octet_length((${merged})::text) <= $7::bigint RETURNING ${this.returned}`
    );
  }
}

/** The parameters every merged update starts with: id, updatedAt, lastSeenAt, expiresAt, now, now, the byte limit. */
const FIXED_MERGE_PARAMS = 7;
