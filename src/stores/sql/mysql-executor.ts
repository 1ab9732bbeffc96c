import { SessionConfigError } from "../../errors.js";
import { matchedRows, type MysqlResultHeader } from "./matched-rows.js";
import type { SqlExecutor } from "./sql-executor.js";

/** Options of {@link openMysqlExecutor}. */
export interface MysqlExecutorOptions {
  /** Connections in the pool. */
  connectionLimit: number;
  connectTimeoutMs: number;
  /** The driver to use; by default `mysql2` when it is installed, else `mariadb`. */
  driver?: "mysql2" | "mariadb";
}


/**
 * Opens a pool on a MySQL/MariaDB URL with whichever driver the app has: `mysql2` (TypeORM's) or
 * `mariadb` (Prisma's MariaDB adapter's). DATETIME values are read and written as UTC.
 * @throws SessionConfigError when neither is installed.
 */
export async function openMysqlExecutor(url: string, options: MysqlExecutorOptions): Promise<SqlExecutor> {
  const mysql2 = options.driver === "mariadb" ? undefined : await import("mysql2/promise").catch(notFound);
  if (mysql2 !== undefined) {
    const pool = mysql2.createPool({ uri: url, connectionLimit: options.connectionLimit, connectTimeout: options.connectTimeoutMs, timezone: "Z" });
    return {
      dialect: "mysql",
      rows: async <T extends object>(sql: string, params: readonly unknown[]) => (await pool.query(sql, [...params]))[0] as T[],
      run: async (sql, params) => matchedRows((await pool.query(sql, [...params]))[0] as MysqlResultHeader),
      close: () => pool.end(),
    };
  }
  const mariadb = await import("mariadb").catch(notFound);
  if (mariadb === undefined) throw missingDriver();
  const pool = mariadb.createPool(mariadbUrl(url, options));
  return {
    dialect: "mysql",
    rows: async <T extends object>(sql: string, params: readonly unknown[]) =>
      ((await pool.query(sql, [...params])) as Record<string, unknown>[]).map((row) => withoutBigInts(row) as T),
    run: async (sql, params) => matchedRows((await pool.query(sql, [...params])) as MysqlResultHeader),
    close: () => pool.end(),
  };
}

/**
 * The URL as the `mariadb` driver takes it (`mariadb://`, its options as query parameters), keeping
 * every parameter the app's URL carries (`ssl`, `allowPublicKeyRetrieval`, ...).
 */
function mariadbUrl(url: string, options: MysqlExecutorOptions): string {
  const parsed = new URL(url);
  parsed.protocol = "mariadb:";
  parsed.searchParams.set("connectionLimit", String(options.connectionLimit));
  if (!parsed.searchParams.has("connectTimeout")) parsed.searchParams.set("connectTimeout", String(options.connectTimeoutMs));
  parsed.searchParams.set("timezone", "Z");
  return parsed.toString();
}

/** BIGINT values as strings, as `pg` returns them: JSON output cannot hold a BigInt. */
function withoutBigInts(row: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(row)) if (typeof value === "bigint") row[key] = value.toString();
  return row;
}


function notFound(error: unknown): undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") return undefined;
  throw error;
}

function missingDriver(): SessionConfigError {
  return new SessionConfigError('a MySQL/MariaDB URL needs the "mysql2" or the "mariadb" driver, and neither can be found: npm install mysql2');
}
