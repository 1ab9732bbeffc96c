import { randomBytes } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { PrismaMariaDb } from "@prisma/adapter-mariadb";
import mysql from "mysql2/promise";
import { PrismaClient } from "../../generated/prisma-mysql/client.js";

const LOCAL_MYSQL = "mysql://root@127.0.0.1:3306";
const MIGRATIONS_DIR = "prisma/mysql/migrations";

/** A throwaway MariaDB/MySQL database. */
export interface MariaDbDatabase {
  /** `mysql://user:password@host:port/database`. */
  url: string;
  /** Connection settings for drivers that take no URL (the `mariadb` connector wants `mariadb://`). */
  connection: { host: string; port: number; user: string; password: string; database: string };
  /** Drops the database. */
  drop(): Promise<void>;
}

/** A throwaway MariaDB/MySQL database with `prisma/mysql/migrations` applied and a Prisma client on it. */
export interface MariaDbTestDatabase extends MariaDbDatabase {
  /** A Prisma client on `@prisma/adapter-mariadb` (closed by `drop`). */
  prisma: PrismaClient;
}

let serverUrl: Promise<string> | undefined;

/**
 * The MariaDB/MySQL server the database tests run on: MYSQL_URL, else a local server on the default
 * port. Missing is a failure, never a skip.
 */
export function mysqlUrl(): Promise<string> {
  serverUrl ??= (async () => {
    const url = process.env.MYSQL_URL ?? LOCAL_MYSQL;
    try {
      await withConnection(url, async () => undefined);
    } catch (error) {
      throw new Error(
        `No MariaDB/MySQL for the database tests at ${url} (${(error as Error).message}): set MYSQL_URL ` +
          "(e.g. mysql://root@127.0.0.1:3306), or start one with `docker compose -f docker-compose.test.yml up -d`",
      );
    }
    return url;
  })();
  return serverUrl;
}

/** Creates an empty database of its own for one test file. */
export async function createMariaDbDatabase(): Promise<MariaDbDatabase> {
  const server = await mysqlUrl();
  const database = `sessionrow_test_${randomBytes(6).toString("hex")}`;
  await withConnection(server, (connection) => connection.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4`));
  const url = new URL(server);
  url.pathname = `/${database}`;
  return {
    url: url.toString(),
    connection: {
      host: url.hostname,
      port: Number(url.port || 3306),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database,
    },
    drop: () => withConnection(server, (connection) => connection.query(`DROP DATABASE IF EXISTS \`${database}\``)).then(() => undefined),
  };
}

/**
 * Creates a database of its own for one test file and applies the MySQL Prisma migrations. The wasm
 * schema engine refuses MySQL adapters, so the migration SQL runs directly (as `prisma migrate deploy`
 * would run it, without recording `_prisma_migrations`).
 */
export async function createMariaDbTestDatabase(): Promise<MariaDbTestDatabase> {
  const database = await createMariaDbDatabase();
  try {
    const migrations = (await readdir(MIGRATIONS_DIR, { withFileTypes: true })).filter((entry) => entry.isDirectory());
    migrations.sort((a, b) => a.name.localeCompare(b.name));
    await withConnection(database.url, async (connection) => {
      for (const migration of migrations) {
        await connection.query(await readFile(path.join(MIGRATIONS_DIR, migration.name, "migration.sql"), "utf8"));
      }
    });
  } catch (error) {
    await database.drop();
    throw error;
  }
  const prisma = new PrismaClient({ adapter: new PrismaMariaDb(database.connection) });
  return {
    ...database,
    prisma,
    drop: async () => {
      await prisma.$disconnect();
      await database.drop();
    },
  };
}

async function withConnection<T>(url: string, use: (connection: mysql.Connection) => Promise<T>): Promise<T> {
  const connection = await mysql.createConnection({ uri: url, multipleStatements: true, connectTimeout: 2000 });
  try {
    return await use(connection);
  } finally {
    await connection.end();
  }
}
