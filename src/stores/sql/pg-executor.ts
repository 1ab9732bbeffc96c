import { pgPoolExecutor, TIMESTAMP_WITHOUT_TIME_ZONE, utcTimestamp, type PgPool } from "./pg-pool-executor.js";
import type { SqlExecutor } from "./sql-executor.js";

/** Options of {@link openPgExecutor}. */
export interface PgExecutorOptions {
  /** Connections in the pool. */
  max: number;
  connectTimeoutMs: number;
}

/**
 * node-postgres reads `timestamp without time zone` as local time; sessionrow writes UTC into it
 * (Prisma's plain `DateTime` columns), so it is read as UTC. Every other type as `pg` reads it.
 */
function utcTimestamps(types: typeof import("pg").types): { getTypeParser: typeof types.getTypeParser } {
  const getTypeParser = ((oid: number, format?: "text" | "binary") =>
    oid === TIMESTAMP_WITHOUT_TIME_ZONE && format !== "binary"
      ? utcTimestamp
      : types.getTypeParser(oid, format as "text")) as typeof types.getTypeParser;
  return { getTypeParser };
}

/** Opens a `pg` pool on a PostgreSQL URL (`pg` is an optional peer, imported here). */
export async function openPgExecutor(url: string, options: PgExecutorOptions): Promise<SqlExecutor> {
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({ connectionString: url, max: options.max, connectionTimeoutMillis: options.connectTimeoutMs, types: utcTimestamps(pg.types) });
  // A pool reports errors of idle connections as events; unhandled, they would crash the process.
  pool.on("error", () => {});
  return { ...pgPoolExecutor(pool as unknown as PgPool), close: () => pool.end() };
}
