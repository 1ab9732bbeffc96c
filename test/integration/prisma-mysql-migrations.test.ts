import { readFile } from "node:fs/promises";
import mysql from "mysql2/promise";
import pg from "pg";
import { createMariaDbTestDatabase, type MariaDbTestDatabase } from "../support/mariadb.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";

// The wasm schema engine has no MySQL connector, so `prisma/mysql/migrations` cannot be diffed
// against its schema here. Instead: the MySQL schema declares the same models as the PostgreSQL one
// (below), the PostgreSQL migrations match that schema (prisma-migrations.test.ts), and the MySQL
// migrations build, column for column, the same tables as the PostgreSQL ones (introspected below).

interface Column {
  type: string;
  nullable: boolean;
  default: string | null;
}

interface Schema {
  columns: Record<string, Column>;
  primaryKeys: Record<string, string>;
  /** "table.index" → "unique? (columns)" */
  indexes: Record<string, string>;
  /** "table.constraint" → "column → table(column) ON DELETE ... ON UPDATE ..." */
  foreignKeys: Record<string, string>;
}

const TABLES = ["User", "Session", "Account", "AccountSession"];

/** Reduces a model block list to what both databases must agree on. */
function models(schema: string): string {
  const blocks = schema.match(/^model \w+ \{[\s\S]*?^\}/gm) ?? [];
  return blocks
    .join("\n")
    .replace(/^\s*\/\/(?!\/).*$/gm, "")
    .replace(/@db\.(Timestamptz|DateTime)\(3\)/g, "@db.Timestamp(3)")
    .replace(/[ \t]+/g, " ")
    .replace(/\n\s*\n/g, "\n");
}

async function postgresSchema(url: string): Promise<Schema> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const schema: Schema = { columns: {}, primaryKeys: {}, indexes: {}, foreignKeys: {} };
    const columns = await client.query(
      `SELECT table_name, column_name, data_type, character_maximum_length, datetime_precision, is_nullable, column_default
       FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ANY($1)`,
      [TABLES],
    );
    for (const row of columns.rows) {
      const type =
        row.data_type === "integer"
          ? "int"
          : row.data_type === "text"
            ? "string"
            : row.data_type === "character varying"
              ? `varchar(${row.character_maximum_length})`
              : row.data_type === "jsonb"
                ? "json"
                : row.data_type === "timestamp with time zone"
                  ? `timestamp(${row.datetime_precision})`
                  : row.data_type;
      const fallback = row.column_default as string | null;
      schema.columns[`${row.table_name}.${row.column_name}`] = {
        type,
        nullable: row.is_nullable === "YES",
        default:
          fallback === null
            ? null
            : fallback.startsWith("nextval(")
              ? "autoincrement"
              : fallback === "CURRENT_TIMESTAMP"
                ? "now"
                : fallback.replace(/::\w+$/, "").replace(/^'(.*)'$/, "$1"),
      };
    }
    const indexes = await client.query(
      `SELECT t.relname AS table, i.relname AS index, ix.indisunique AS unique, ix.indisprimary AS primary,
              array_agg(a.attname::text ORDER BY array_position(ix.indkey::int2[], a.attnum)) AS columns
       FROM pg_index ix
       JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_class i ON i.oid = ix.indexrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(ix.indkey)
       WHERE n.nspname = current_schema() AND t.relname = ANY($1)
       GROUP BY 1, 2, 3, 4`,
      [TABLES],
    );
    for (const row of indexes.rows) {
      if (row.primary) schema.primaryKeys[row.table] = row.columns.join(", ");
      else schema.indexes[`${row.table}.${row.index}`] = `${row.unique ? "unique " : ""}(${row.columns.join(", ")})`;
    }
    const foreignKeys = await client.query(
      `SELECT kcu.table_name, rc.constraint_name, kcu.column_name, ccu.table_name AS ref_table, ccu.column_name AS ref_column,
              rc.delete_rule, rc.update_rule
       FROM information_schema.referential_constraints rc
       JOIN information_schema.key_column_usage kcu USING (constraint_schema, constraint_name)
       JOIN information_schema.constraint_column_usage ccu USING (constraint_schema, constraint_name)
       WHERE rc.constraint_schema = current_schema()`,
    );
    for (const row of foreignKeys.rows) {
      schema.foreignKeys[`${row.table_name}.${row.constraint_name}`] =
        `${row.column_name} → ${row.ref_table}(${row.ref_column}) ON DELETE ${row.delete_rule} ON UPDATE ${row.update_rule}`;
    }
    return schema;
  } finally {
    await client.end();
  }
}

async function mysqlSchema(url: string): Promise<Schema> {
  const connection = await mysql.createConnection({ uri: url });
  try {
    const schema: Schema = { columns: {}, primaryKeys: {}, indexes: {}, foreignKeys: {} };
    const [columns] = await connection.query<mysql.RowDataPacket[]>(
      `SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (?)`,
      [TABLES],
    );
    for (const row of columns) {
      // MariaDB's JSON is LONGTEXT with a json_valid() check; MySQL reports "json".
      const type =
        row.COLUMN_TYPE === "int(11)" || row.COLUMN_TYPE === "int"
          ? "int"
          : row.COLUMN_TYPE === "varchar(191)"
            ? "string"
            : row.DATA_TYPE === "longtext" || row.DATA_TYPE === "json"
              ? "json"
              : row.DATA_TYPE === "datetime"
                ? row.COLUMN_TYPE.replace("datetime", "timestamp")
                : row.COLUMN_TYPE;
      const fallback = row.COLUMN_DEFAULT as string | null;
      schema.columns[`${row.TABLE_NAME}.${row.COLUMN_NAME}`] = {
        type,
        nullable: row.IS_NULLABLE === "YES",
        // MariaDB reports an explicit NULL default of a nullable column as the string "NULL".
        default: String(row.EXTRA).includes("auto_increment")
          ? "autoincrement"
          : fallback === null || fallback === "NULL"
            ? null
            : /^current_timestamp/i.test(fallback)
              ? "now"
              : fallback.replace(/^'(.*)'$/, "$1"),
      };
    }
    const [indexes] = await connection.query<mysql.RowDataPacket[]>(
      `SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX SEPARATOR ', ') AS COLUMNS
       FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (?)
       GROUP BY TABLE_NAME, INDEX_NAME, NON_UNIQUE`,
      [TABLES],
    );
    for (const row of indexes) {
      if (row.INDEX_NAME === "PRIMARY") schema.primaryKeys[row.TABLE_NAME] = row.COLUMNS;
      else schema.indexes[`${row.TABLE_NAME}.${row.INDEX_NAME}`] = `${Number(row.NON_UNIQUE) === 0 ? "unique " : ""}(${row.COLUMNS})`;
    }
    const [foreignKeys] = await connection.query<mysql.RowDataPacket[]>(
      `SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, r.DELETE_RULE, r.UPDATE_RULE
       FROM information_schema.KEY_COLUMN_USAGE k
       JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
       WHERE k.TABLE_SCHEMA = DATABASE()`,
    );
    for (const row of foreignKeys) {
      schema.foreignKeys[`${row.TABLE_NAME}.${row.CONSTRAINT_NAME}`] =
        `${row.COLUMN_NAME} → ${row.REFERENCED_TABLE_NAME}(${row.REFERENCED_COLUMN_NAME}) ON DELETE ${row.DELETE_RULE} ON UPDATE ${row.UPDATE_RULE}`;
    }
    return schema;
  } finally {
    await connection.end();
  }
}

describe("prisma/mysql", () => {
  let postgres: TestDatabase;
  let mariadb: MariaDbTestDatabase;

  beforeAll(async () => {
    postgres = await createTestDatabase();
    mariadb = await createMariaDbTestDatabase();
  });
  afterAll(async () => {
    await postgres?.drop();
    await mariadb?.drop();
  });

  it("schema.prisma declares the same models as prisma/schema.prisma, with MySQL date types", async () => {
    const mysqlModels = models(await readFile("prisma/mysql/schema.prisma", "utf8"));
    expect(mysqlModels).toContain("model Session {");
    expect(mysqlModels).toBe(models(await readFile("prisma/schema.prisma", "utf8")));
  });

  it("migrations create the tables the PostgreSQL migrations create, column for column", async () => {
    const [expected, actual] = await Promise.all([postgresSchema(postgres.url), mysqlSchema(mariadb.url)]);
    expect(Object.keys(actual.columns)).toHaveLength(Object.keys(expected.columns).length);
    // The one intended difference: MySQL cannot give a JSON column a literal default, so Prisma
    // leaves it out of the migration and its Client fills in @default("{}").
    for (const table of ["Session", "AccountSession"]) {
      expect(expected.columns[`${table}.data`]?.default).toBe("{}");
      expect(actual.columns[`${table}.data`]?.default).toBeNull();
      actual.columns[`${table}.data`]!.default = "{}";
    }
    expect(actual).toEqual(expected);
  });
});
