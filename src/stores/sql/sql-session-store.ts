import { SessionConfigError } from "../../errors.js";
import type {
  IterateOptions,
  LoadedSession,
  SessionRecord,
  SessionStore,
  SessionTouch,
  SessionUpdate,
  StoreCapabilities,
  UserId,
} from "../../session-store.js";
import { SESSION_COLUMNS, toSessionRecord } from "../session-row.js";
import { pruneStatementFor } from "./prune-statement.js";
import { SqlSyntax, type SqlExecutor } from "./sql-executor.js";

const DEFAULT_BATCH_SIZE = 500;

/**
 * Stores sessions in the packaged session table with hand-written SQL through a driver's pool, on
 * PostgreSQL or MySQL/MariaDB: the statements the ORM stores send, without an ORM. It knows no user
 * table, so it cannot load users: the CLI uses it to administer sessions with only a database URL.
 */
export class SqlSessionStore<TUserId extends UserId = UserId> implements SessionStore<TUserId, never> {
  readonly capabilities: StoreCapabilities = { multiProcessSafe: true, persistent: true };
  readonly #executor: SqlExecutor;
  readonly #sql: SqlSyntax;
  /** The table as given, optionally schema-qualified. */
  readonly #tablePath: string;
  readonly #table: string;
  readonly #columns: string;

  /** @param table the session table, optionally schema-qualified (`"auth.Session"`). */
  constructor(executor: SqlExecutor, table: string) {
    this.#executor = executor;
    this.#sql = new SqlSyntax(executor.dialect);
    this.#tablePath = table;
    this.#table = this.#sql.identifier(table);
    this.#columns = SESSION_COLUMNS.map((column) => this.#sql.identifier(column)).join(", ");
  }

  async load(id: string): Promise<LoadedSession<TUserId, never> | null> {
    const [row] = await this.#rows(`SELECT ${this.#columns} FROM ${this.#table} WHERE ${this.#sql.identifier("id")} = ${this.#sql.param(1)}`, [id]);
    return row === undefined ? null : { record: row };
  }

  async insert(record: SessionRecord<TUserId>): Promise<void> {
    const values = SESSION_COLUMNS.map((column) => this.#value(column, record[column]));
    const params = values.map((_, index) => this.#sql.param(index + 1)).join(", ");
    await this.#executor.run(`INSERT INTO ${this.#table} (${this.#columns}) VALUES (${params})`, values);
  }

  async updateIfVersion(id: string, expectedVersion: number, update: SessionUpdate<TUserId>): Promise<boolean> {
    // `id` too: a rotated session (login, regenerate) moves to the hash of its new token.
    const columns = ["id", "userId", "data", "version", "updatedAt", "lastSeenAt", "expiresAt"] as const;
    const set = columns.map((column, index) => `${this.#sql.identifier(column)} = ${this.#sql.param(index + 1)}`).join(", ");
    const where =
      `${this.#sql.identifier("id")} = ${this.#sql.param(columns.length + 1)} AND ${this.#sql.identifier("version")} = ${this.#sql.param(columns.length + 2)} AND ` +
      this.#liveAt(columns.length + 3);
    const now = this.#sql.timestamp(update.updatedAt);
    const values = [...columns.map((column) => this.#value(column, update[column])), id, expectedVersion, now, now];
    return (await this.#executor.run(`UPDATE ${this.#table} SET ${set} WHERE ${where}`, values)) > 0;
  }

  async touch(id: string, touch: SessionTouch): Promise<boolean> {
    const sql =
      `UPDATE ${this.#table} SET ${this.#sql.identifier("lastSeenAt")} = ${this.#sql.param(1)}, ${this.#sql.identifier("expiresAt")} = ${this.#sql.param(2)} ` +
      `WHERE ${this.#sql.identifier("id")} = ${this.#sql.param(3)} AND ${this.#liveAt(4)}`;
    const lastSeenAt = this.#sql.timestamp(touch.lastSeenAt);
    return (await this.#executor.run(sql, [lastSeenAt, this.#sql.timestamp(touch.expiresAt), id, lastSeenAt, lastSeenAt])) > 0;
  }

  async delete(id: string): Promise<void> {
    await this.#executor.run(`DELETE FROM ${this.#table} WHERE ${this.#sql.identifier("id")} = ${this.#sql.param(1)}`, [id]);
  }

  listByUser(userId: TUserId): Promise<SessionRecord<TUserId>[]> {
    return this.#rows(
      `SELECT ${this.#columns} FROM ${this.#table} WHERE ${this.#sql.identifier("userId")} = ${this.#sql.param(1)} ORDER BY ${this.#sql.identifier("createdAt")} DESC`,
      [userId],
    );
  }

  deleteByUser(userId: TUserId, exceptId?: string): Promise<number> {
    const except = exceptId === undefined ? "" : ` AND ${this.#sql.identifier("id")} <> ${this.#sql.param(2)}`;
    const params = exceptId === undefined ? [userId] : [userId, exceptId];
    return this.#executor.run(`DELETE FROM ${this.#table} WHERE ${this.#sql.identifier("userId")} = ${this.#sql.param(1)}${except}`, params);
  }

  deleteExpired(now: Date, limit: number): Promise<number> {
    return this.#executor.run(pruneStatementFor(this.#executor.dialect, this.#tablePath), [this.#sql.timestamp(now), limit]);
  }

  async *iterate(options: IterateOptions<TUserId> = {}): AsyncIterable<SessionRecord<TUserId>> {
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    let after: string | undefined;
    for (;;) {
      const conditions: string[] = [];
      const params: unknown[] = [];
      if (options.userId !== undefined) conditions.push(`${this.#sql.identifier("userId")} = ${this.#sql.param(params.push(options.userId))}`);
      if (after !== undefined) conditions.push(`${this.#sql.identifier("id")} > ${this.#sql.param(params.push(after))}`);
      const where = conditions.length === 0 ? "" : ` WHERE ${conditions.join(" AND ")}`;
      const limit = this.#sql.param(params.push(batchSize));
      const rows = await this.#rows(`SELECT ${this.#columns} FROM ${this.#table}${where} ORDER BY ${this.#sql.identifier("id")} LIMIT ${limit}`, params);
      yield* rows;
      if (rows.length < batchSize) return;
      after = rows[rows.length - 1]!.id;
    }
  }

  loadUser(): Promise<never> {
    return Promise.reject(new SessionConfigError("This store was opened on a database URL and knows no user table: it cannot load users"));
  }

  async #rows(sql: string, params: readonly unknown[]): Promise<SessionRecord<TUserId>[]> {
    const rows = await this.#executor.rows<Record<string, unknown>>(sql, params);
    return rows.map((row) => toSessionRecord<TUserId>({ ...row, data: typeof row.data === "string" ? JSON.parse(row.data) : row.data }));
  }

  #value(column: (typeof SESSION_COLUMNS)[number], value: unknown): unknown {
    if (value instanceof Date) return this.#sql.timestamp(value);
    return column === "data" ? JSON.stringify(value) : value;
  }

  /** The condition of a row that has not expired at the time given as parameters `index` and `index + 1`. */
  #liveAt(index: number): string {
    return `${this.#sql.identifier("expiresAt")} > ${this.#sql.param(index)} AND ${this.#sql.identifier("absoluteExpiresAt")} > ${this.#sql.param(index + 1)}`;
  }
}
