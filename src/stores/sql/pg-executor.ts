import type { SqlExecutor } from "./sql-executor.js";

/** Options of {@link openPgExecutor}. */
export interface PgExecutorOptions {
  /** Connections in the pool. */
  max: number;
  connectTimeoutMs: number;
}

/** Opens a `pg` pool on a PostgreSQL URL (`pg` is an optional peer, imported here). */
export async function openPgExecutor(url: string, options: PgExecutorOptions): Promise<SqlExecutor> {
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({ connectionString: url, max: options.max, connectionTimeoutMillis: options.connectTimeoutMs });
  // A pool reports errors of idle connections as events; unhandled, they would crash the process.
  pool.on("error", () => {});
  return {
    dialect: "postgres",
    rows: async <T extends object>(sql: string, params: readonly unknown[]) => (await pool.query(sql, [...params])).rows as T[],
    run: async (sql, params) => (await pool.query(sql, [...params])).rowCount ?? 0,
    close: () => pool.end(),
  };
}
