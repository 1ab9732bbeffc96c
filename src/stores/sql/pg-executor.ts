import { pgPoolExecutor, utcTimestampParsers, type PgPool } from "./pg-pool-executor.js";
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
  const pool = new pg.Pool({ connectionString: url, max: options.max, connectionTimeoutMillis: options.connectTimeoutMs, types: utcTimestampParsers(pg.types) as import("pg").CustomTypesConfig });
  // A pool reports errors of idle connections as events; unhandled, they would crash the process.
  pool.on("error", () => {});
  return { ...pgPoolExecutor(pool as unknown as PgPool), close: () => pool.end() };
}
