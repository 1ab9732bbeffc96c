/** A result header of an INSERT, UPDATE or DELETE, as mysql2, mariadb and TypeORM's MySQL driver report it. */
export interface MysqlResultHeader {
  affectedRows?: number | bigint;
  info?: string;
  message?: string;
}

/**
 * Rows an UPDATE matched (or a DELETE deleted) on MySQL/MariaDB: from the server's "Rows matched",
 * since `affectedRows` counts only changed rows when the connection lacks CLIENT_FOUND_ROWS, and a
 * touch may write the values a row already holds.
 */
export function matchedRows(result: MysqlResultHeader): number {
  const matched = /Rows matched:\s*(\d+)/.exec(result.info ?? result.message ?? "")?.[1];
  return matched === undefined ? Number(result.affectedRows ?? 0) : Number(matched);
}
