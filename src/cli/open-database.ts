import { randomBytes } from "node:crypto";
import { SessionManager } from "../session-manager.js";
import { SESSION_COLUMNS } from "../stores/session-row.js";
import { openMysqlExecutor } from "../stores/sql/mysql-executor.js";
import { openPgExecutor } from "../stores/sql/pg-executor.js";
import type { SqlExecutor } from "../stores/sql/sql-executor.js";
import { SqlSessionStore } from "../stores/sql/sql-session-store.js";
import { CliError } from "./cli-error.js";
import type { DatabaseUrl } from "./database-url.js";
import { MIGRATE_HINT } from "./describe-error.js";
import { requirePeers } from "./import-peers.js";
import type { SessionSource } from "./session-source.js";
import { SqlInspector } from "./sql-inspector.js";
import type { UserIdType } from "./user-id.js";

/**
 * The packaged schema's table first (Prisma: "Session"), then TypeORM's default ("session", from
 * `createSessionEntity` and `createSessionMigration`). Both have the same columns.
 */
const DEFAULT_TABLES = ["Session", "session"] as const;

/** Column types of an integer user key, as information_schema names them (PostgreSQL, MySQL/MariaDB). */
const INTEGER_TYPES = new Set(["smallint", "integer", "bigint", "tinyint", "mediumint", "int"]);

const CONNECT_TIMEOUT_MS = 10_000;
const POOL_SIZE = 2;

/** Options for opening the session table behind a database URL. */
export interface OpenDatabaseOptions {
  /** The session table; by default "Session", else "session". */
  table?: string;
}

/**
 * Opens the session table behind a database URL with the database driver alone (`pg`; `mysql2` or
 * `mariadb`), whichever ORM the app uses: no generated Prisma client and no TypeORM needed. Finds
 * the table and the type of its `userId` column in information_schema.
 * @throws CliError when the driver is missing, or the table does not exist or lacks session columns.
 */
export async function openDatabase(url: DatabaseUrl, options: OpenDatabaseOptions = {}): Promise<SessionSource> {
  const executor = await openExecutor(url);
  try {
    const tables: readonly string[] = options.table === undefined ? DEFAULT_TABLES : [options.table];
    const found = await findSessionTable(executor, url, tables);
    const table = url.schema === undefined ? found.name : `${url.schema}.${found.name}`;
    return {
      // The secret signs tokens, and the CLI hands out none: any valid one does.
      manager: new SessionManager(new SqlSessionStore(executor, table), { secret: randomBytes(32).toString("hex") }),
      inspector: new SqlInspector(executor, table),
      userIdType: found.userIdType,
      close: () => executor.close(),
    };
  } catch (error) {
    await executor.close();
    throw error;
  }
}

async function openExecutor(url: DatabaseUrl): Promise<SqlExecutor> {
  if (url.dialect === "postgres") {
    await requirePeers(["pg"], "opening a PostgreSQL URL");
    return openPgExecutor(url.url, { max: POOL_SIZE, connectTimeoutMs: CONNECT_TIMEOUT_MS });
  }
  return openMysqlExecutor(url.url, { connectionLimit: POOL_SIZE, connectTimeoutMs: CONNECT_TIMEOUT_MS });
}

interface FoundTable {
  /** The table's name as the database lists it. */
  name: string;
  userIdType: UserIdType;
}

async function findSessionTable(executor: SqlExecutor, url: DatabaseUrl, tables: readonly string[]): Promise<FoundTable> {
  const rows: { table_name: string; column_name: string; data_type: string }[] =
    url.dialect === "postgres"
      ? await executor.rows(
          "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = COALESCE($1, current_schema()) AND lower(table_name) = ANY($2)",
          [url.schema ?? null, tables.map((table) => table.toLowerCase())],
        )
      : await executor.rows(
          "SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name, DATA_TYPE AS data_type FROM information_schema.COLUMNS " +
            `WHERE TABLE_SCHEMA = DATABASE() AND LOWER(TABLE_NAME) IN (${tables.map(() => "?").join(", ")})`,
          tables.map((table) => table.toLowerCase()),
        );
  const names = [...new Set(rows.map((row) => row.table_name))];
  const pick = (same: (a: string, b: string) => boolean) => {
    for (const table of tables) {
      const name = names.find((found) => same(found, table));
      if (name !== undefined) return name;
    }
    return undefined;
  };
  // Exact names first. MySQL with lower_case_table_names lists "session" for a table created as "Session", and takes either name.
  const name = pick((a, b) => a === b) ?? (url.dialect === "mysql" ? pick((a, b) => a.toLowerCase() === b.toLowerCase()) : undefined);
  if (name !== undefined) {
    const columns = new Map(rows.filter((row) => row.table_name === name).map((row) => [row.column_name.toLowerCase(), row.data_type.toLowerCase()]));
    const missing = SESSION_COLUMNS.filter((column) => !columns.has(column.toLowerCase()));
    if (missing.length > 0) {
      throw new CliError(`the table "${name}" is not a sessionrow session table: it has no column ${missing.join(", ")}`);
    }
    return { name, userIdType: INTEGER_TYPES.has(columns.get("userid")!) ? "integer" : "string" };
  }
  const which = tables.length === 1 ? `the ${tables[0]} table does not exist` : `the Session table does not exist (nor "session")`;
  throw new CliError(`${which} in ${url.redacted}: ${MIGRATE_HINT}`);
}
