import mysql from "mysql2/promise";
import pg from "pg";

const LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres";
const LOCAL_MYSQL = "mysql://root@127.0.0.1:3306";
const LOCAL_PGBOUNCER = "postgresql://postgres@127.0.0.1:6432/postgres";

type Container = { stop(): Promise<unknown> };
const containers = globalThis as { __sessionrowContainers?: Container[] };

/**
 * Finds the servers the database tests use and exports them as DATABASE_URL (PostgreSQL) and
 * MYSQL_URL (MariaDB/MySQL): the ones in the environment; else local servers on the default ports;
 * else (outside CI) testcontainers containers when Docker is available. Finding none is not a skip:
 * every test that needs the missing database then fails with an explanation.
 *
 * The PgBouncer suite (jest.pgbouncer.config.js, `globals.sessionrowThroughPgBouncer`) also needs the
 * PgBouncer at PGBOUNCER_URL (else 127.0.0.1:6432), exported as SESSIONROW_TEST_POOLER_URL for the
 * app-side connections; none is a failure there, in CI and out, since that suite exists to run through one.
 */
export default async function globalSetup(_globalConfig: unknown, projectConfig?: { globals?: Record<string, unknown> }): Promise<void> {
  containers.__sessionrowContainers = [];
  if (!process.env.DATABASE_URL) {
    if (await answers(() => connectPostgres(LOCAL_POSTGRES))) process.env.DATABASE_URL = LOCAL_POSTGRES;
    else if (!process.env.CI) {
      await startContainer("PostgreSQL", async () => {
        const { PostgreSqlContainer } = await import("@testcontainers/postgresql");
        const container = await new PostgreSqlContainer("postgres:15-alpine").start();
        process.env.DATABASE_URL = container.getConnectionUri();
        return container;
      });
    }
  }
  if (!process.env.MYSQL_URL) {
    if (await answers(() => connectMysql(LOCAL_MYSQL))) process.env.MYSQL_URL = LOCAL_MYSQL;
    else if (!process.env.CI) {
      await startContainer("MariaDB", async () => {
        const { MariaDbContainer } = await import("@testcontainers/mariadb");
        const container = await new MariaDbContainer("mariadb:10.11").withRootPassword("root").start();
        process.env.MYSQL_URL = `mysql://root:root@${container.getHost()}:${container.getPort()}`;
        return container;
      });
    }
  }
  if (projectConfig?.globals?.sessionrowThroughPgBouncer === true) await requirePgBouncer();
}

async function requirePgBouncer(): Promise<void> {
  const url = process.env.PGBOUNCER_URL || LOCAL_PGBOUNCER;
  try {
    const close = await connectPostgres(url);
    await close();
  } catch (error) {
    throw new Error(
      `No PgBouncer answers at ${url} (${(error as Error).message}): start one with \`bash .ci/pgbouncer/start\` ` +
        "or set PGBOUNCER_URL to a PgBouncer in transaction pooling mode in front of DATABASE_URL's server",
    );
  }
  process.env.SESSIONROW_TEST_POOLER_URL = url;
}

async function startContainer(name: string, start: () => Promise<Container>): Promise<void> {
  try {
    containers.__sessionrowContainers!.push(await start());
  } catch (error) {
    console.warn(`No ${name} found and testcontainers could not start one: ${(error as Error).message}`);
  }
}

async function connectPostgres(url: string): Promise<() => Promise<void>> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  await client.connect();
  return () => client.end();
}

async function connectMysql(url: string): Promise<() => Promise<void>> {
  const connection = await mysql.createConnection({ uri: url, connectTimeout: 1000 });
  return () => connection.end();
}

async function answers(connect: () => Promise<() => Promise<void>>): Promise<boolean> {
  try {
    const close = await connect();
    await close();
    return true;
  } catch {
    return false;
  }
}
