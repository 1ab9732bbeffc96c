import { PreparedStatements } from "./prepared-statements.js";
import type { SqlExecutor } from "./sql-executor.js";

/** The type parsers of a `pg` query (`pg`'s `CustomTypesConfig`). */
export interface PgTypeParsers {
  /** The function that turns a column of PostgreSQL type `oid`, as the server sent it, into a value. */
  getTypeParser(oid: number, format?: "text" | "binary"): (value: string) => unknown;
}

/** A column of a `pg` result. */
export interface PgField {
  /** The column's name in the result. */
  name: string;
  /** The column's PostgreSQL type OID. */
  dataTypeID: number;
}

/** A `pg` query's answer, as far as sessionrow reads it. */
export interface PgResult {
  /** The rows, as objects keyed by column name. */
  rows: Record<string, unknown>[];
  /** The result's columns. */
  fields?: PgField[];
  /** `null` or absent where a driver reports no count: the rows of `RETURNING` count then. */
  rowCount?: number | null;
}

/** A `pg` query: the statement, its parameters (`$1`, `$2`, ...) and the type parsers of its result. */
export interface PgQuery {
  /** A prepared statement's name: PostgreSQL parses and plans it once per connection. Absent for an unnamed statement. */
  name?: string;
  /** The SQL statement. */
  text: string;
  /** Its parameters, in order. */
  values: unknown[];
  /** Type parsers for this query's result instead of the pool's. */
  types?: PgTypeParsers;
}

/** A connection checked out of a {@link PgPool}. */
export interface PgPoolClient {
  /** Runs one statement on this connection. */
  query(query: PgQuery): Promise<PgResult>;
  /** Returns the connection to the pool; given an error, the pool discards it instead. */
  release(error?: Error | boolean): void;
  /** Listens for the connection's failure while it is checked out. */
  on(event: "error", listener: (error: Error) => void): unknown;
  /** Stops listening. */
  off(event: "error", listener: (error: Error) => void): unknown;
}

/**
 * A node-postgres pool (`new pg.Pool(...)` of the `pg` package), as sessionrow uses it: one query on
 * any connection, and a connection of its own for a transaction.
 */
export interface PgPool {
  /** Runs one statement on any free connection. */
  query(query: PgQuery): Promise<PgResult>;
  /** Checks a connection out, for a transaction. */
  connect(): Promise<PgPoolClient>;
}

const INT8 = 20;
const DATE = 1082;
const TIMESTAMP_WITHOUT_TIME_ZONE = 1114;

// Parsers shared by every query: `pg` asks for a column's parser on every result.
const parseUtcTimestamp = (value: string): Date => new Date(`${value.replace(" ", "T")}Z`);
const parseUtcDate = (value: string): Date => new Date(`${value}T00:00:00Z`);

/**
 * `types` with a `timestamp without time zone` read as UTC (sessionrow and Prisma write UTC into it:
 * Prisma's plain `DateTime` columns) rather than local time. Every other type as `types` reads it.
 */
export function utcTimestampParsers(types: PgTypeParsers): PgTypeParsers {
  return {
    getTypeParser: (oid, format) =>
      oid === TIMESTAMP_WITHOUT_TIME_ZONE && format !== "binary" ? parseUtcTimestamp : types.getTypeParser(oid, format),
  };
}

/**
 * The values Prisma's own client reads from PostgreSQL: a `timestamp` or `date` (Prisma's `DateTime`
 * columns, written in UTC) read as UTC rather than local time, and a `bigint` as a BigInt rather than
 * a string. Every other type as `pg` reads it.
 */
export function prismaTypeParsers(types: PgTypeParsers): PgTypeParsers {
  const utc = utcTimestampParsers(types);
  return {
    getTypeParser: (oid, format) => {
      if (format !== "binary" && oid === DATE) return parseUtcDate;
      if (format !== "binary" && oid === INT8) return BigInt;
      return utc.getTypeParser(oid, format);
    },
  };
}

/**
 * Starts a transaction whose lock waits end after 5 s (Prisma's interactive-transaction limit), so a
 * row lock held elsewhere cannot keep a pool connection busy indefinitely; `SET LOCAL` lasts for the
 * transaction only, as PgBouncer's transaction pooling requires. One round trip (simple protocol).
 */
const BEGIN = "BEGIN; SET LOCAL lock_timeout = '5s'";

/** Options of {@link pgPoolExecutor}. */
export interface PgPoolExecutorOptions {
  /** The type parsers of every query; by default the pool's own. */
  types?: PgTypeParsers;
  /** Send statements outside transactions as named prepared statements (see {@link PreparedStatements}). */
  preparedStatements?: boolean;
}

/**
 * Runs hand-written SQL on a node-postgres pool: each statement on whichever connection is free, and
 * a transaction on one connection checked out for it (BEGIN ... COMMIT, or ROLLBACK when `work`
 * rejects). No session-level state, so it works behind PgBouncer in transaction-pooling mode: named
 * prepared statements, where asked for, only outside transactions, and unnamed for good once a pooler
 * loses one. Closing is the pool owner's business: `close` does nothing.
 */
export function pgPoolExecutor(pool: PgPool, options: PgPoolExecutorOptions = {}): SqlExecutor {
  const { types } = options;
  const prepared = new PreparedStatements(options.preparedStatements ?? false);
  const unnamed = new PreparedStatements(false);
  const executorOn = (connection: Pick<PgPool, "query">, statements: PreparedStatements): SqlExecutor => {
    const send = (statement: PgQuery) => connection.query(statement);
    // pg reads `values` and never changes them: the caller's array is passed as it is.
    const query = (text: string, params: readonly unknown[]) =>
      statements.send(send, types === undefined ? { text, values: params as unknown[] } : { text, values: params as unknown[], types });
    return {
      dialect: "postgres",
      rows: async <T extends object>(sql: string, params: readonly unknown[]) => (await query(sql, params)).rows as T[],
      run: async (sql, params) => {
        const result = await query(sql, params);
        return result.rowCount ?? result.rows.length;
      },
      close: async () => {},
    };
  };
  return {
    ...executorOn(pool, prepared),
    transaction: async <T>(work: (transaction: SqlExecutor) => Promise<T>): Promise<T> => {
      const client = await pool.connect();
      // A checked-out connection has no pool listener: a connection that dies now would emit an
      // unhandled 'error' and crash the process. The query in flight fails instead, and the
      // connection is discarded.
      let broken: Error | undefined;
      const onError = (error: Error) => (broken = error);
      client.on("error", onError);
      let result: T;
      try {
        await client.query({ text: BEGIN, values: [] });
        result = await work(executorOn(client, unnamed));
        await client.query({ text: "COMMIT", values: [] });
      } catch (error) {
        await client.query({ text: "ROLLBACK", values: [] }).catch((rollbackError: Error) => (broken ??= rollbackError));
        throw error;
      } finally {
        client.off("error", onError);
        client.release(broken);
      }
      return result;
    },
  };
}
