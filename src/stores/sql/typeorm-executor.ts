import type { DataSource, QueryRunner } from "typeorm";
import { matchedRows, type MysqlResultHeader } from "./matched-rows.js";
import { PreparedStatements, type PgStatement } from "./prepared-statements.js";
import type { SqlDialect, SqlExecutor } from "./sql-executor.js";

/**
 * Runs hand-written SQL through a TypeORM DataSource's own pool, PostgreSQL or MySQL/MariaDB.
 * Statements go straight to the driver's pool, as a query runner would send them, unless the app
 * watches queries (see {@link appWatchesQueries}), or
 * the driver's pool takes no direct query: then each goes through a query runner (as
 * `dataSource.query` does), where the app sees it. Transactions are the DataSource's. Closing is the
 * app's business: `close` does nothing. Counts come from the structured result: PostgreSQL's row
 * count, or the rows of `RETURNING` where a driver reports none (PGlite); MySQL/MariaDB's "Rows matched".
 */
export function typeormExecutor(dataSource: DataSource, dialect: Exclude<SqlDialect, "sqlite">, options: TypeORMExecutorOptions = {}): SqlExecutor {
  const prepared = new PreparedStatements((options.preparedStatements ?? false) && dialect === "postgres" && loadsPg(dataSource));
  const query =
    directPoolQuery(dataSource, prepared) ??
    (async (sql, params) => {
      const runner = dataSource.createQueryRunner();
      try {
        return await runner.query(sql, [...params], true);
      } finally {
        await runner.release();
      }
    });
  return {
    ...runnerExecutor(dialect, query),
    transaction: (work) => dataSource.transaction((manager) => work(runnerExecutor(dialect, (sql, params) => (manager.queryRunner as QueryRunner).query(sql, [...params], true)))),
  };
}

/** Options of {@link typeormExecutor}. */
export interface TypeORMExecutorOptions {
  /**
   * Send statements on a `pg` pool, outside transactions, as named prepared statements (see
   * {@link PreparedStatements}). Not on other drivers, nor through query runners.
   */
  preparedStatements?: boolean;
}

type StructuredQuery = (sql: string, params: readonly unknown[]) => Promise<{ records: unknown[]; affected?: number; raw: unknown }>;

function runnerExecutor(dialect: Exclude<SqlDialect, "sqlite">, query: StructuredQuery): SqlExecutor {
  return {
    dialect,
    rows: async <T extends object>(sql: string, params: readonly unknown[]) => (await query(sql, params)).records as T[],
    run: async (sql, params) => {
      const result = await query(sql, params);
      if (dialect === "mysql") return matchedRows(result.raw as MysqlResultHeader);
      return result.affected ?? result.records.length;
    },
    close: async () => {},
  };
}

/** The callback `query` of the pools TypeORM's drivers create (`pg`, `mysql2`, `mysql`, typeorm-pglite's); `pg`'s also takes a query object. */
type CallbackQuery = {
  (sql: string, params: unknown[], callback: (error: Error | null, result: unknown) => void): unknown;
  (statement: PgStatement, callback: (error: Error | null, result: unknown) => void): unknown;
};

/**
 * A query on the DataSource driver's own pool (the primary, where replication is configured), without
 * a query runner: the same pool, the same values, without TypeORM's per-query bookkeeping. The pool
 * is looked up per query (a DataSource destroyed and initialized again has a new one). `null` where
 * the app watches queries through TypeORM, or the driver has no such pool.
 */
function directPoolQuery(dataSource: DataSource, prepared: PreparedStatements): StructuredQuery | null {
  if (appWatchesQueries(dataSource) || poolOf(dataSource) === undefined) return null;
  const send = (statement: PgStatement) =>
    new Promise<ReturnType<typeof structured>>((resolve, reject) => {
      const pool = poolOf(dataSource);
      if (pool === undefined) return reject(new Error("The DataSource is not initialized: its driver has no pool"));
      const returned = queryOn(pool, statement, (error, result) => {
        if (error) return reject(error);
        try {
          resolve(structured(result));
        } catch (unreadable) {
          reject(unreadable);
        }
      });
      // A pool whose query also returns a promise (typeorm-pglite's) rejects it besides calling back: the callback answers.
      if (returned instanceof Promise) returned.catch(() => {});
    });
  return (sql, params) => prepared.send(send, { text: sql, values: params as unknown[] });
}

/** Sends a statement to a driver's pool: a named one as `pg`'s query object, an unnamed one as text and values (every driver). */
function queryOn(pool: { query: CallbackQuery }, statement: PgStatement, callback: (error: Error | null, result: unknown) => void): unknown {
  return statement.name === undefined ? pool.query(statement.text, statement.values, callback) : pool.query(statement, callback);
}

/**
 * The DataSource's postgres driver is `pg` (or its native bindings), whose pool takes named
 * statements: a `Client` and `types`, which a replacement such as typeorm-pglite's does not have.
 */
function loadsPg(dataSource: DataSource): boolean {
  const driver = (dataSource.driver as { postgres?: { Client?: unknown; types?: unknown } }).postgres;
  return dataSource.options.type === "postgres" && typeof driver?.Client === "function" && typeof driver.types === "object";
}

/** The driver's pool with a callback `query`, as the DataSource has it now: `pg`'s for postgres, `mysql2`'s for mysql/mariadb. */
function poolOf(dataSource: DataSource): { query: CallbackQuery } | undefined {
  const driver = dataSource.driver as { master?: { query?: unknown }; pool?: { query?: unknown } };
  const type = dataSource.options.type;
  const pool = type === "postgres" ? driver.master : type === "mysql" || type === "mariadb" ? driver.pool : undefined;
  return typeof pool?.query === "function" ? (pool as { query: CallbackQuery }) : undefined;
}

/** A driver's answer as a query runner's structured result: the rows, or the write's header and count. */
function structured(result: unknown): { records: unknown[]; affected?: number; raw: unknown } {
  if (Array.isArray(result)) return { records: result, raw: result };
  const { rows, rowCount } = result as { rows?: unknown[]; rowCount?: number | null };
  if (rows !== undefined) return { records: rows, ...(typeof rowCount === "number" ? { affected: rowCount } : {}), raw: result };
  return { records: [], raw: result };
}

/**
 * Whether TypeORM shows the app its queries: query or error logging, a logger of the app's own (it
 * decides what to log) or TypeORM's debug logger, a slow-query limit, or a query subscriber.
 */
function appWatchesQueries(dataSource: DataSource): boolean {
  const { logging, logger, maxQueryExecutionTime } = dataSource.options;
  const logs = logging === true || logging === "all" || (Array.isArray(logging) && logging.length > 0);
  const ownLogger = typeof logger === "object" || logger === "debug";
  const subscribed = dataSource.subscribers.some(
    (subscriber) => typeof subscriber.beforeQuery === "function" || typeof subscriber.afterQuery === "function",
  );
  return logs || ownLogger || (maxQueryExecutionTime ?? 0) > 0 || subscribed;
}
