import { randomBytes } from "node:crypto";
import type { DataSource, DataSourceOptions, EntitySchema } from "typeorm";
import { SessionManager } from "../session-manager.js";
import { SESSION_COLUMNS } from "../stores/session-row.js";
import { TypeORMStore } from "../stores/typeorm-store.js";
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

/** Options for opening the session table behind a database URL. */
export interface OpenDatabaseOptions {
  /** The session table; by default "Session", else "session". */
  table?: string;
}

/**
 * Opens the session table behind a database URL with TypeORM (an optional peer, with the `pg` or
 * `mysql2` driver), the session entity made by `createSessionEntity`, and a `TypeORMStore`: no
 * generated Prisma client needed. Finds the table and the type of its `userId` column in
 * information_schema.
 * @throws CliError when a package is missing, or the table does not exist or lacks session columns.
 */
export async function openDatabase(url: DatabaseUrl, options: OpenDatabaseOptions = {}): Promise<SessionSource> {
  await requirePeers(["typeorm", url.dialect === "postgres" ? "pg" : "mysql2"], `opening ${url.dialect === "postgres" ? "a PostgreSQL" : "a MySQL/MariaDB"} URL`);
  const typeorm = await import("typeorm");
  const { createSessionEntity } = await import("../typeorm/session-entity.js");
  // The session entity needs a User entity to relate to. The CLI never loads users, so its table
  // and key type do not matter: user ids pass through as the driver reads them.
  const user = new typeorm.EntitySchema<{ id: string }>({ name: "SessionrowCliUser", tableName: "User", columns: { id: { type: "varchar", length: 191, primary: true } } });
  const tables: readonly string[] = options.table === undefined ? DEFAULT_TABLES : [options.table];
  const entities = tables.map((tableName, index) => createSessionEntity(user, { type: url.type, name: `SessionrowCliSession${index}`, tableName }));
  const dataSource = new typeorm.DataSource(dataSourceOptions(url, [user, ...entities]));
  await dataSource.initialize();
  try {
    const found = await findSessionTable(dataSource, url, tables);
    const entity = entities[tables.indexOf(found.table)]!;
    return {
      // The secret signs tokens, and the CLI hands out none: any valid one does.
      manager: new SessionManager(new TypeORMStore(dataSource, { entity }), { secret: randomBytes(32).toString("hex") }),
      inspector: new SqlInspector(dataSource, dataSource.getMetadata(entity), url.dialect),
      userIdType: found.userIdType,
      close: () => dataSource.destroy(),
    };
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
}

function dataSourceOptions(url: DatabaseUrl, entities: EntitySchema[]): DataSourceOptions {
  if (url.type === "postgres") {
    return { type: "postgres", url: url.url, schema: url.schema, entities, poolSize: 2, connectTimeoutMS: CONNECT_TIMEOUT_MS };
  }
  // mysql2 reads the URL itself (percent-decoding, query parameters); timezone "Z": DATETIME columns hold UTC.
  return { type: url.type, url: url.url, extra: { uri: url.url }, timezone: "Z", entities, poolSize: 2, connectTimeout: CONNECT_TIMEOUT_MS };
}

interface FoundTable {
  /** One of the tables looked for. */
  table: string;
  userIdType: UserIdType;
}

async function findSessionTable(dataSource: DataSource, url: DatabaseUrl, tables: readonly string[]): Promise<FoundTable> {
  const rows: { table_name: string; column_name: string; data_type: string }[] =
    url.dialect === "postgres"
      ? await dataSource.query(
          "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = COALESCE($1, current_schema()) AND lower(table_name) = ANY($2)",
          [url.schema ?? null, tables.map((table) => table.toLowerCase())],
        )
      : await dataSource.query(
          "SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name, DATA_TYPE AS data_type FROM information_schema.COLUMNS " +
            `WHERE TABLE_SCHEMA = DATABASE() AND LOWER(TABLE_NAME) IN (${tables.map(() => "?").join(", ")})`,
          tables.map((table) => table.toLowerCase()),
        );
  const names = [...new Set(rows.map((row) => row.table_name))];
  const pick = (same: (a: string, b: string) => boolean) => {
    for (const table of tables) {
      const name = names.find((found) => same(found, table));
      if (name !== undefined) return { table, name };
    }
    return undefined;
  };
  // Exact names first. MySQL with lower_case_table_names lists "session" for a table created as "Session", and takes either name.
  const match = pick((a, b) => a === b) ?? (url.dialect === "mysql" ? pick((a, b) => a.toLowerCase() === b.toLowerCase()) : undefined);
  if (match !== undefined) {
    const columns = new Map(rows.filter((row) => row.table_name === match.name).map((row) => [row.column_name.toLowerCase(), row.data_type.toLowerCase()]));
    const missing = SESSION_COLUMNS.filter((column) => !columns.has(column.toLowerCase()));
    if (missing.length > 0) {
      throw new CliError(`the table "${match.name}" is not a sessionrow session table: it has no column ${missing.join(", ")}`);
    }
    return { table: match.table, userIdType: INTEGER_TYPES.has(columns.get("userid")!) ? "integer" : "string" };
  }
  const which = tables.length === 1 ? `the ${tables[0]} table does not exist` : `the Session table does not exist (nor "session")`;
  throw new CliError(`${which} in ${url.redacted}: ${MIGRATE_HINT}`);
}
