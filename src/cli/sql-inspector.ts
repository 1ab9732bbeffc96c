import type { UserId } from "../session-store.js";
import { METADATA_COLUMNS, toSessionMetadata } from "../stores/session-row.js";
import { SqlSyntax, type SqlExecutor } from "../stores/sql/sql-executor.js";
import type { SessionInspector, SessionPage, SessionStats } from "./session-source.js";

/**
 * Answers with aggregate SQL on the session table: counts and listings cost one indexed query each,
 * and the table size comes from the database's own statistics. Only ever sends SELECTs.
 */
export class SqlInspector implements SessionInspector {
  readonly #executor: SqlExecutor;
  readonly #sql: SqlSyntax;
  /** The table as given (optionally schema-qualified), for the size lookup. */
  readonly #tablePath: string;
  readonly #table: string;

  constructor(executor: SqlExecutor, table: string) {
    this.#executor = executor;
    this.#sql = new SqlSyntax(executor.dialect);
    this.#tablePath = table;
    this.#table = this.#sql.identifier(table);
  }

  async countExpired(now: Date): Promise<number> {
    const [row] = await this.#executor.rows<{ count: unknown }>(
      `SELECT COUNT(*) AS count FROM ${this.#table} WHERE ${this.#sql.identifier("expiresAt")} <= ${this.#sql.param(1)}`,
      [this.#sql.timestamp(now)],
    );
    return Number(row?.count ?? 0);
  }

  async list(query: { now: Date; userId?: UserId; limit: number | null }): Promise<SessionPage> {
    const params: unknown[] = [this.#sql.timestamp(query.now)];
    let sql = `SELECT ${METADATA_COLUMNS.map((column) => this.#sql.identifier(column)).join(", ")} FROM ${this.#table} WHERE ${this.#sql.identifier("expiresAt")} > ${this.#sql.param(1)}`;
    if (query.userId !== undefined) sql += ` AND ${this.#sql.identifier("userId")} = ${this.#sql.param(params.push(query.userId))}`;
    sql += ` ORDER BY ${this.#sql.identifier("lastSeenAt")} DESC, ${this.#sql.identifier("id")} ASC`;
    if (query.limit !== null) sql += ` LIMIT ${this.#sql.param(params.push(query.limit + 1))}`;
    const rows = await this.#executor.rows<Record<string, unknown>>(sql, params);
    const sessions = rows.slice(0, query.limit ?? rows.length).map((row) => toSessionMetadata(row));
    return { sessions, more: rows.length > sessions.length };
  }

  async stats(now: Date, top: number): Promise<SessionStats> {
    const [expiresAt, userId] = [this.#sql.identifier("expiresAt"), this.#sql.identifier("userId")];
    const [totals] = await this.#executor.rows<{ total: unknown; expired: unknown; activeWithUser: unknown }>(
      `SELECT COUNT(*) AS ${this.#sql.identifier("total")}, ` +
        `COALESCE(SUM(CASE WHEN ${expiresAt} <= ${this.#sql.param(1)} THEN 1 ELSE 0 END), 0) AS ${this.#sql.identifier("expired")}, ` +
        `COALESCE(SUM(CASE WHEN ${expiresAt} > ${this.#sql.param(2)} AND ${userId} IS NOT NULL THEN 1 ELSE 0 END), 0) AS ${this.#sql.identifier("activeWithUser")} ` +
        `FROM ${this.#table}`,
      [this.#sql.timestamp(now), this.#sql.timestamp(now)],
    );
    const users = await this.#executor.rows<{ userId: UserId; sessions: unknown }>(
      `SELECT ${userId} AS ${this.#sql.identifier("userId")}, COUNT(*) AS ${this.#sql.identifier("sessions")} FROM ${this.#table} ` +
        `WHERE ${userId} IS NOT NULL AND ${expiresAt} > ${this.#sql.param(1)} GROUP BY ${userId} ORDER BY COUNT(*) DESC, ${userId} ASC LIMIT ${this.#sql.param(2)}`,
      [this.#sql.timestamp(now), top],
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
}
