/** The SQL family a statement is written for: placeholders, identifier quoting, prune statement. */
export type SqlDialect = "postgres" | "mysql" | "sqlite";

/**
 * A database connection pool that runs hand-written SQL: what {@link SqlSessionStore} needs from a
 * driver. Parameters are positional: `$1, $2, ...` on PostgreSQL, `?` on MySQL/MariaDB and SQLite.
 */
export interface SqlExecutor {
  readonly dialect: SqlDialect;
  /** The rows a SELECT returns, as plain objects keyed by column name. */
  rows<T extends object>(sql: string, params: readonly unknown[]): Promise<T[]>;
  /** Runs an INSERT, UPDATE or DELETE and returns how many rows it matched (not only those it changed). */
  run(sql: string, params: readonly unknown[]): Promise<number>;
  /** Closes the pool. */
  close(): Promise<void>;
  /**
   * Runs `work` in one transaction on one connection (committed when it resolves, rolled back when it
   * rejects). Absent where the executor cannot hold a connection.
   */
  transaction?<T>(work: (transaction: SqlExecutor) => Promise<T>): Promise<T>;
}

/** Quotes an identifier (a table or column name) for the dialect; a dotted path is quoted part by part. */
export function quoteIdentifier(dialect: SqlDialect, path: string): string {
  const quote = dialect === "mysql" ? "`" : '"';
  return path
    .split(".")
    .map((part) => quote + part.replaceAll(quote, quote + quote) + quote)
    .join(".");
}

/** The identifiers, placeholders and timestamps of hand-written SQL in one dialect. */
export class SqlSyntax {
  constructor(readonly dialect: SqlDialect) {}

  /** A quoted table or column name (a dotted path part by part). */
  identifier(path: string): string {
    return quoteIdentifier(this.dialect, path);
  }

  /** The placeholder of the `index`-th parameter (1-based): `$1` on PostgreSQL, `?` elsewhere. */
  param(index: number): string {
    return this.dialect === "postgres" ? `$${index}` : "?";
  }

  /** A timestamp as UTC text: right for PostgreSQL's timestamptz and timestamp alike, and for MySQL's DATETIME(3). */
  timestamp(date: Date): string {
    const iso = date.toISOString();
    return this.dialect === "mysql" ? iso.slice(0, 23).replace("T", " ") : iso;
  }
}
