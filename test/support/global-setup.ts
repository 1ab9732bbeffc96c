import pg from "pg";

const LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres";

/**
 * Finds the PostgreSQL the database tests use and exports it as DATABASE_URL: the one in the
 * environment; else a local server on the default port; else (outside CI) a testcontainers
 * container when Docker is available. Finding none is not a skip: every database test then fails
 * with an explanation.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) return;
  if (await answers(LOCAL_POSTGRES)) {
    process.env.DATABASE_URL = LOCAL_POSTGRES;
    return;
  }
  if (process.env.CI) return;
  try {
    const { PostgreSqlContainer } = await import("@testcontainers/postgresql");
    const container = await new PostgreSqlContainer("postgres:15-alpine").start();
    process.env.DATABASE_URL = container.getConnectionUri();
    (globalThis as { __sessionrowContainer?: { stop(): Promise<unknown> } }).__sessionrowContainer = container;
  } catch (error) {
    console.warn(`No PostgreSQL found and testcontainers could not start one: ${(error as Error).message}`);
  }
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
