import type { RawSqlClient } from "../prisma-dialect.js";
import type { SqlDialect, SqlExecutor } from "./sql-executor.js";

/**
 * Runs hand-written SQL through a Prisma client's public raw-query API, on the app's own connection
 * pool (its driver adapter); transactions are the client's interactive `$transaction`. Closing is the
 * app's business: `close` does nothing.
 */
export function prismaExecutor(client: RawSqlClient, dialect: SqlDialect): SqlExecutor {
  const $transaction = client.$transaction;
  return {
    dialect,
    rows: async <T extends object>(sql: string, params: readonly unknown[]) => (await client.$queryRawUnsafe(sql, ...params)) as T[],
    run: (sql, params) => client.$executeRawUnsafe(sql, ...params),
    close: async () => {},
    ...($transaction === undefined
      ? {}
      : { transaction: <T>(work: (transaction: SqlExecutor) => Promise<T>) => $transaction.call(client, (tx) => work(prismaExecutor(tx, dialect))) as Promise<T> }),
  };
}
