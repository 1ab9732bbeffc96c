import type { DataSource, QueryRunner } from "typeorm";
import { matchedRows, type MysqlResultHeader } from "./matched-rows.js";
import type { SqlDialect, SqlExecutor } from "./sql-executor.js";

/**
 * Runs hand-written SQL through a TypeORM DataSource's own pool (a query runner per statement, as
 * `dataSource.query` does), PostgreSQL or MySQL/MariaDB. Closing is the app's business: `close`
 * does nothing. Counts come from the structured result: PostgreSQL's row count, or the rows of
 * `RETURNING` where a driver reports none (PGlite); MySQL/MariaDB's "Rows matched".
 */
export function typeormExecutor(dataSource: DataSource, dialect: Exclude<SqlDialect, "sqlite">): SqlExecutor {
  const executor = runnerExecutor(dialect, async (sql, params) => {
    const runner = dataSource.createQueryRunner();
    try {
      return await runner.query(sql, [...params], true);
    } finally {
      await runner.release();
    }
  });
  return {
    ...executor,
    transaction: (work) => dataSource.transaction((manager) => work(runnerExecutor(dialect, (sql, params) => (manager.queryRunner as QueryRunner).query(sql, [...params], true)))),
  };
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
