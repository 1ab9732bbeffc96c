import type { DataSource, EntityMetadata, ObjectLiteral, Repository, SelectQueryBuilder } from "typeorm";
import type { UserId } from "../session-store.js";
import { METADATA_COLUMNS, toSessionMetadata } from "../stores/session-row.js";
import type { SessionInspector, SessionPage, SessionStats } from "./session-source.js";


/**
 * Answers with aggregate SQL on the session table (through TypeORM's query builder, so one code path
 * serves PostgreSQL and MySQL/MariaDB): counts and listings cost one indexed query each, and the table
 * size comes from the database's own statistics. Only ever sends SELECTs.
 */
export class SqlInspector implements SessionInspector {
  readonly #dataSource: DataSource;
  readonly #sessions: Repository<ObjectLiteral>;
  readonly #metadata: EntityMetadata;
  readonly #dialect: "postgres" | "mysql";

  constructor(dataSource: DataSource, metadata: EntityMetadata, dialect: "postgres" | "mysql") {
    this.#dataSource = dataSource;
    this.#sessions = dataSource.getRepository(metadata.target);
    this.#metadata = metadata;
    this.#dialect = dialect;
  }

  countExpired(now: Date): Promise<number> {
    return this.#query().where("s.expiresAt <= :now", { now }).getCount();
  }

  async list(query: { now: Date; userId?: UserId; limit: number | null }): Promise<SessionPage> {
    const select = this.#query()
      .select(METADATA_COLUMNS.map((column) => `s.${column}`))
      .where("s.expiresAt > :now", { now: query.now })
      .orderBy("s.lastSeenAt", "DESC")
      .addOrderBy("s.id", "ASC");
    if (query.userId !== undefined) select.andWhere("s.userId = :userId", { userId: query.userId });
    if (query.limit !== null) select.limit(query.limit + 1);
    const rows = await select.getMany();
    const sessions = rows.slice(0, query.limit ?? rows.length).map((row) => toSessionMetadata(row));
    return { sessions, more: rows.length > sessions.length };
  }

  async stats(now: Date, top: number): Promise<SessionStats> {
    const totals = await this.#query()
      .select("COUNT(*)", "total")
      .addSelect("COALESCE(SUM(CASE WHEN s.expiresAt <= :now THEN 1 ELSE 0 END), 0)", "expired")
      .addSelect("COALESCE(SUM(CASE WHEN s.expiresAt > :now AND s.userId IS NOT NULL THEN 1 ELSE 0 END), 0)", "activeWithUser")
      .setParameters({ now })
      .getRawOne<{ total: unknown; expired: unknown; activeWithUser: unknown }>();
    const users = await this.#query()
      .select("s.userId", "userId")
      .addSelect("COUNT(*)", "sessions")
      .where("s.userId IS NOT NULL")
      .andWhere("s.expiresAt > :now", { now })
      .groupBy("s.userId")
      .orderBy("COUNT(*)", "DESC")
      .addOrderBy("s.userId", "ASC")
      .limit(top)
      .getRawMany<{ userId: UserId; sessions: unknown }>();
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
      this.#dialect === "postgres"
        ? await this.#dataSource.query("SELECT pg_total_relation_size(to_regclass($1)) AS size", [this.#escapedTablePath()])
        : await this.#dataSource.query(
            "SELECT DATA_LENGTH + INDEX_LENGTH AS size FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
            [this.#metadata.tableName],
          );
    const size = (row as { size?: unknown } | undefined)?.size;
    return size === null || size === undefined ? null : Number(size);
  }

  #escapedTablePath(): string {
    return this.#metadata.tablePath
      .split(".")
      .map((part) => this.#dataSource.driver.escape(part))
      .join(".");
  }

  #query(): SelectQueryBuilder<ObjectLiteral> {
    return this.#sessions.createQueryBuilder("s");
  }
}
