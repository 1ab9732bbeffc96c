import type { UserId } from "../session-store.js";
import { METADATA_COLUMNS, toSessionMetadata } from "../stores/session-row.js";
import { placeholder, quoteIdentifier, sqlTimestamp, type SqlExecutor } from "../stores/sql/sql-executor.js";
import type { SessionInspector, SessionPage, SessionStats } from "./session-source.js";

/**
 * Answers with aggregate SQL on the session table: counts and listings cost one indexed query each,
 * and the table size comes from the database's own statistics. Only ever sends SELECTs.
 */
export class SqlInspector implements SessionInspector {
  readonly #executor: SqlExecutor;
  /** The table as given (optionally schema-qualified), for the size lookup. */
  readonly #tablePath: string;
  readonly #table: string;

  constructor(executor: SqlExecutor, table: string) {
    this.#executor = executor;
    this.#tablePath = table;
    this.#table = quoteIdentifier(executor.dialect, table);
  }

  async countExpired(now: Date): Promise<number> {
    const [row] = await this.#executor.rows<{ count: unknown }>(
      `SELECT COUNT(*) AS count FROM ${this.#table} WHERE ${this.#column("expiresAt")} <= ${this.#param(1)}`,
      [this.#date(now)],
    );
    return Number(row?.count ?? 0);
  }

  async list(query: { now: Date; userId?: UserId; limit: number | null }): Promise<SessionPage> {
    const params: unknown[] = [this.#date(query.now)];
    let sql = `SELECT ${METADATA_COLUMNS.map((column) => this.#column(column)).join(", ")} FROM ${this.#table} WHERE ${this.#column("expiresAt")} > ${this.#param(1)}`;
    if (query.userId !== undefined) sql += ` AND ${this.#column("userId")} = ${this.#param(params.push(query.userId))}`;
    sql += ` ORDER BY ${this.#column("lastSeenAt")} DESC, ${this.#column("id")} ASC`;
    if (query.limit !== null) sql += ` LIMIT ${this.#param(params.push(query.limit + 1))}`;
    const rows = await this.#executor.rows<Record<string, unknown>>(sql, params);
    const sessions = rows.slice(0, query.limit ?? rows.length).map((row) => toSessionMetadata(row));
    return { sessions, more: rows.length > sessions.length };
  }

  async stats(now: Date, top: number): Promise<SessionStats> {
    const [expiresAt, userId] = [this.#column("expiresAt"), this.#column("userId")];
    const [totals] = await this.#executor.rows<{ total: unknown; expired: unknown; activeWithUser: unknown }>(
      `SELECT COUNT(*) AS ${this.#column("total")}, ` +
        `COALESCE(SUM(CASE WHEN ${expiresAt} <= ${this.#param(1)} THEN 1 ELSE 0 END), 0) AS ${this.#column("expired")}, ` +
        `COALESCE(SUM(CASE WHEN ${expiresAt} > ${this.#param(2)} AND ${userId} IS NOT NULL THEN 1 ELSE 0 END), 0) AS ${this.#column("activeWithUser")} ` +
        `FROM ${this.#table}`,
      [this.#date(now), this.#date(now)],
    );
    const users = await this.#executor.rows<{ userId: UserId; sessions: unknown }>(
      `SELECT ${userId} AS ${this.#column("userId")}, COUNT(*) AS ${this.#column("sessions")} FROM ${this.#table} ` +
        `WHERE ${userId} IS NOT NULL AND ${expiresAt} > ${this.#param(1)} GROUP BY ${userId} ORDER BY COUNT(*) DESC, ${userId} ASC LIMIT ${this.#param(2)}`,
      [this.#date(now), top],
    );
    const total = Number(totals?.total ?? 0);
    const expired = Number(totals?.expired ?? 0);
    const activeWithUser = Number(totals?.activeWithUser ?? 0);
    return {
      total,
      active: total - expired,
      expired,
      activeWithUser,
      activeAnonymous: total - expired - activeWithUser,
      topUsers: users.map((row) => ({ userId: row.userId, sessions: Number(row.sessions) })),
      tableSizeBytes: await this.#tableSize(),
    };
  }

  /** Table, indexes and (PostgreSQL) TOAST, as the database accounts them; null when it cannot tell. */
  async #tableSize(): Promise<number | null> {
    const [row] =
      this.#executor.dialect === "postgres"
        ? await this.#executor.rows<{ size: unknown }>("SELECT pg_total_relation_size(to_regclass($1)) AS size", [this.#table])
        : await this.#executor.rows<{ size: unknown }>(
            "SELECT DATA_LENGTH + INDEX_LENGTH AS size FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
            [this.#tablePath.split(".").at(-1)],
          );
    const size = row?.size;
    return size === null || size === undefined ? null : Number(size);
  }

  #date(date: Date): string {
    return sqlTimestamp(this.#executor.dialect, date);
  }

  #column(name: string): string {
    return quoteIdentifier(this.#executor.dialect, name);
  }

  #param(index: number): string {
    return placeholder(this.#executor.dialect, index);
  }
}
