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
}

/** Quotes an identifier (a table or column name) for the dialect; a dotted path is quoted part by part. */
export function quoteIdentifier(dialect: SqlDialect, path: string): string {
  const quote = dialect === "mysql" ? "`" : '"';
  return path
    .split(".")
    .map((part) => quote + part.replaceAll(quote, quote + quote) + quote)
    .join(".");
}

/** The placeholder of the `index`-th parameter (1-based). */
export function placeholder(dialect: SqlDialect, index: number): string {
  return dialect === "postgres" ? `$${index}` : "?";
}

/** A timestamp as UTC text: right for PostgreSQL's timestamptz and timestamp alike, and for MySQL's DATETIME(3). */
export function sqlTimestamp(dialect: SqlDialect, date: Date): string {
  const iso = date.toISOString();
  return dialect === "mysql" ? iso.slice(0, 23).replace("T", " ") : iso;
}
