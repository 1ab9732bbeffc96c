import { SessionConfigError } from "../../errors.js";
import type {
  IterateOptions,
  LoadedSession,
  SessionMerge,
  SessionRecord,
  SessionStore,
  SessionTouch,
  SessionUpdate,
  StoreCapabilities,
  UserId,
} from "../../session-store.js";
import { SESSION_COLUMNS, toSessionRecord } from "../session-row.js";
import { plainCodec, type SessionRowCodec } from "./session-row-codec.js";
import { SessionStatements } from "./session-statements.js";
import { SqlSessionRows } from "./sql-session-rows.js";
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
  readonly #table: string;
  readonly #columns: string;
  readonly #codec: SessionRowCodec;
  readonly #rows: SqlSessionRows<TUserId, never>;

  /** @param table the session table, optionally schema-qualified (`"auth.Session"`). */
  constructor(executor: SqlExecutor, table: string) {
    this.#executor = executor;
    this.#sql = new SqlSyntax(executor.dialect);
    this.#codec = plainCodec(executor.dialect);
    this.#table = this.#sql.identifier(table);
    this.#columns = SESSION_COLUMNS.map((column) => this.#sql.identifier(column)).join(", ");
    this.#rows = new SqlSessionRows(executor, new SessionStatements(executor.dialect, table), this.#codec);
  }

  load(id: string): Promise<LoadedSession<TUserId, never> | null> {
    return this.#rows.load(id);
  }

  insert(record: SessionRecord<TUserId>): Promise<void> {
    return this.#rows.insert(record);
  }

  updateIfVersion(id: string, expectedVersion: number, update: SessionUpdate<TUserId>): Promise<boolean> {
    return this.#rows.updateIfVersion(id, expectedVersion, update);
  }

  /** On PostgreSQL, one `UPDATE ... RETURNING`; `undefined` on MySQL/MariaDB. */
  mergeUpdate(id: string, merge: SessionMerge): Promise<SessionRecord<TUserId> | null | undefined> {
    return this.#rows.mergeUpdate(id, merge);
  }

  touch(id: string, touch: SessionTouch): Promise<boolean> {
    return this.#rows.touch(id, touch);
  }

  delete(id: string): Promise<void> {
    return this.#rows.delete(id);
  }

  listByUser(userId: TUserId): Promise<SessionRecord<TUserId>[]> {
    return this.#select(
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
    return this.#rows.deleteExpired(now, limit);
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
      const rows = await this.#select(`SELECT ${this.#columns} FROM ${this.#table}${where} ORDER BY ${this.#sql.identifier("id")} LIMIT ${limit}`, params);
      yield* rows;
      if (rows.length < batchSize) return;
      after = rows[rows.length - 1]!.id;
    }
  }

  loadUser(): Promise<never> {
    return Promise.reject(new SessionConfigError("This store was opened on a database URL and knows no user table: it cannot load users"));
  }

  async #select(sql: string, params: readonly unknown[]): Promise<SessionRecord<TUserId>[]> {
    const rows = await this.#executor.rows<Record<string, unknown>>(sql, params);
    return rows.map((row) => toSessionRecord<TUserId>({ ...row, data: this.#codec.decode("data", row.data) }));
  }
}
