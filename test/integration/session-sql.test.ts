import { randomBytes } from "node:crypto";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import Database from "libsql";
import mysql from "mysql2/promise";
import pg from "pg";
import { applyMigrations } from "../../scripts/lib/prisma-schema-engine.js";
import { renderSessionSql, SESSION_SQL_DIALECTS, tableStatements, type SessionSqlDialect } from "../../scripts/lib/session-sql.js";
import { createMariaDbDatabase, createMariaDbTestDatabase } from "../support/mariadb.js";
import { createTestDatabase, postgresUrl } from "../support/postgres.js";
import { createSqliteDatabase, createSqliteTestDatabase } from "../support/sqlite.js";

const dialect = (name: SessionSqlDialect["name"]) => SESSION_SQL_DIALECTS.find((candidate) => candidate.name === name)!;

/** The init migration's statements creating the example User table: the app's own migration. */
function userTableSql(name: SessionSqlDialect["name"]): string {
  const init = readFileSync(path.join(dialect(name).migrationsDir, "20261121000000_init", "migration.sql"), "utf8");
  return tableStatements(init, "User").join("\n\n");
}

/** A Prisma migrations directory: the app's User migration, then the shipped session-only migration. */
function appMigrations(name: SessionSqlDialect["name"], provider: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), "sessionrow-app-migrations-"));
  const add = (folder: string, sql: string) => {
    mkdirSync(path.join(dir, folder));
    writeFileSync(path.join(dir, folder, "migration.sql"), sql);
  };
  add("20250101000000_users", userTableSql(name));
  add("20261130120000_add_session", readFileSync(dialect(name).migrationFile, "utf8"));
  writeFileSync(path.join(dir, "migration_lock.toml"), `provider = "${provider}"\n`);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function withoutComments(sql: string): string {
  return sql.replace(/^--.*\n/gm, "").trim();
}

describe("session table SQL (sql/*.sql and prisma/session-migration)", () => {
  it.each(SESSION_SQL_DIALECTS.map((d) => [d.name, d] as const))("%s: the committed files are what `npm run sql:generate` writes", async (_name, d) => {
    for (const [file, content] of await renderSessionSql(d)) expect([file, readFileSync(file, "utf8")]).toEqual([file, content]);
    // Tools that split scripts at semicolons would run the rest of such a comment line as SQL.
    expect(readFileSync(d.migrationFile, "utf8")).not.toMatch(/^--.*;/m);
    const sql = withoutComments(readFileSync(d.sqlFile, "utf8"));
    expect(withoutComments(readFileSync(d.migrationFile, "utf8"))).toBe(sql);
    // Only the session table: nothing of the example User/Account tables.
    expect(sql).toMatch(/^CREATE TABLE ["`]Session["`]/);
    expect(sql).not.toMatch(/CREATE TABLE ["`](User|Account|AccountSession)["`]/);
    expect(sql.match(/CREATE TABLE/g)).toHaveLength(1);
  });

  it("the README shows sql/postgresql.sql as it is", () => {
    const readme = readFileSync("README.md", "utf8");
    const section = readme.slice(readme.indexOf("## Session table SQL"));
    const block = /```sql\n([\s\S]*?)```/.exec(section)?.[1];
    expect(block?.trim()).toBe(withoutComments(readFileSync(dialect("postgresql").sqlFile, "utf8")));
  });

  it("PostgreSQL: the session-only migration, deployed after an app's User migration, builds the Session table the full migrations build", async () => {
    const describeTable = async (url: string) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const columns = await client.query(
          `SELECT column_name, data_type, is_nullable, column_default, character_maximum_length, datetime_precision
           FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'Session' ORDER BY ordinal_position`,
        );
        const indexes = await client.query(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'Session' ORDER BY indexname`);
        const constraints = await client.query(
          `SELECT conname, pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE conrelid = '"Session"'::regclass ORDER BY conname`,
        );
        return { columns: columns.rows, indexes: indexes.rows, constraints: constraints.rows };
      } finally {
        await client.end();
      }
    };
    const full = await createTestDatabase();
    const name = `sessionrow_test_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: postgresUrl() });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    const url = new URL(postgresUrl());
    url.pathname = `/${name}`;
    const migrations = appMigrations("postgresql", "postgresql");
    try {
      const applied = await applyMigrations({
        adapterFactory: new PrismaPg({ connectionString: url.toString() }),
        migrationsDir: migrations.dir,
        schemaPath: "prisma/schema.prisma",
      });
      expect(applied).toEqual(["20250101000000_users", "20261130120000_add_session"]);
      const expected = await describeTable(full.url);
      expect(expected.columns).toHaveLength(11);
      expect(expected.constraints.map((row) => row.conname)).toEqual(["Session_pkey", "Session_userId_fkey"]);
      expect(await describeTable(url.toString())).toEqual(expected);
    } finally {
      migrations.remove();
      await full.drop();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }
  });

  it("MySQL/MariaDB: sql/mysql.sql, run after an app's User table, builds the Session table the full migrations build", async () => {
    const full = await createMariaDbTestDatabase();
    const copy = await createMariaDbDatabase();
    const showCreate = async (url: string) => {
      const connection = await mysql.createConnection({ uri: url, multipleStatements: true });
      try {
        const [rows] = await connection.query("SHOW CREATE TABLE `Session`");
        return (rows as Record<string, string>[])[0]!["Create Table"];
      } finally {
        await connection.end();
      }
    };
    try {
      const connection = await mysql.createConnection({ uri: copy.url, multipleStatements: true });
      try {
        await connection.query(userTableSql("mysql"));
        await connection.query(readFileSync(dialect("mysql").sqlFile, "utf8"));
      } finally {
        await connection.end();
      }
      const expected = await showCreate(full.url);
      expect(expected).toContain("CONSTRAINT `Session_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `User` (`id`) ON DELETE CASCADE");
      expect(await showCreate(copy.url)).toBe(expected);
    } finally {
      await copy.drop();
      await full.drop();
    }
  });

  it("SQLite: the session-only migration, deployed after an app's User migration, builds the Session table the full migrations build", async () => {
    const describeTable = (file: string) => {
      const db = new Database(file);
      try {
        const indexes = (db.prepare(`PRAGMA index_list("Session")`).all() as { name: string; unique: number; origin: string }[]).sort((a, b) =>
          a.name.localeCompare(b.name),
        );
        return {
          columns: db.prepare(`PRAGMA table_xinfo("Session")`).all(),
          indexes: indexes.map((index) => ({ ...index, columns: db.prepare(`PRAGMA index_info("${index.name}")`).all() })),
          foreignKeys: db.prepare(`PRAGMA foreign_key_list("Session")`).all(),
        };
      } finally {
        db.close();
      }
    };
    const full = await createSqliteTestDatabase();
    const copy = createSqliteDatabase();
    const migrations = appMigrations("sqlite", "sqlite");
    try {
      const { PrismaLibSql } = await import("@prisma/adapter-libsql");
      const applied = await applyMigrations({
        adapterFactory: new PrismaLibSql({ url: copy.url }),
        migrationsDir: migrations.dir,
        schemaPath: "prisma/sqlite/schema.prisma",
      });
      expect(applied).toEqual(["20250101000000_users", "20261130120000_add_session"]);
      const expected = describeTable(full.file);
      expect(expected.columns).toHaveLength(11);
      expect(expected.indexes.map((index) => index.name)).toEqual(["Session_expiresAt_idx", "Session_userId_idx", "sqlite_autoindex_Session_1"]);
      expect(expected.foreignKeys).toEqual([expect.objectContaining({ table: "User", from: "userId", to: "id", on_delete: "CASCADE" })]);
      expect(describeTable(copy.file)).toEqual(expected);
    } finally {
      migrations.remove();
      copy.remove();
      await full.drop();
    }
  });
});
