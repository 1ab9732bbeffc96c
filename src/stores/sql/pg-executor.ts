import type { SqlExecutor } from "./sql-executor.js";

/** Options of {@link openPgExecutor}. */
export interface PgExecutorOptions {
  /** Connections in the pool. */
  max: number;
  connectTimeoutMs: number;
}

const TIMESTAMP_WITHOUT_TIME_ZONE = 1114;

/**
 * node-postgres reads `timestamp without time zone` as local time; sessionrow writes UTC into it
 * (Prisma's plain `DateTime` columns), so it is read as UTC. Every other type as `pg` reads it.
 */
function utcTimestamps(types: typeof import("pg").types): { getTypeParser: typeof types.getTypeParser } {
  const getTypeParser = ((oid: number, format?: "text" | "binary") =>
    oid === TIMESTAMP_WITHOUT_TIME_ZONE && format !== "binary"
      ? (value: string) => new Date(`${value.replace(" ", "T")}Z`)
      : types.getTypeParser(oid, format as "text")) as typeof types.getTypeParser;
  return { getTypeParser };
}

/** Opens a `pg` pool on a PostgreSQL URL (`pg` is an optional peer, imported here). */
export async function openPgExecutor(url: string, options: PgExecutorOptions): Promise<SqlExecutor> {
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({ connectionString: url, max: options.max, connectionTimeoutMillis: options.connectTimeoutMs, types: utcTimestamps(pg.types) });
  // A pool reports errors of idle connections as events; unhandled, they would crash the process.
  pool.on("error", () => {});
  return {
    dialect: "postgres",
    rows: async <T extends object>(sql: string, params: readonly unknown[]) => (await pool.query(sql, [...params])).rows as T[],
    run: async (sql, params) => (await pool.query(sql, [...params])).rowCount ?? 0,
    close: () => pool.end(),
  };
}
