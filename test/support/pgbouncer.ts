import pg from "pg";

/**
 * The PgBouncer the app-side connections of the PgBouncer suite go through (set by
 * pgbouncer-global-setup.ts), or `undefined` in every other suite, which connects directly.
 */
export function poolerUrl(): string | undefined {
  return process.env.SESSIONROW_TEST_POOLER_URL || undefined;
}

/** `directUrl`'s database reached through the pooler when the suite runs behind one, else `directUrl`. */
export function appDatabaseUrl(directUrl: string): string {
  const pooler = poolerUrl();
  if (pooler === undefined) return directUrl;
  const url = new URL(pooler);
  url.pathname = new URL(directUrl).pathname;
  return url.toString();
}

const STATS_PERIOD_MS = 1000;

/** A PgBouncer pool's connections, from the admin console's `SHOW POOLS`. */
export interface PoolerPool {
  /** Client connections: linked to a server or waiting for one. */
  clients: number;
  /** Server connections, in any state. */
  servers: number;
}

/** A PgBouncer database's cumulative counters, from the admin console's `SHOW STATS`. */
export interface PoolerStats {
  /** Transactions (in transaction pooling, each statement outside BEGIN/COMMIT is one) served. */
  transactions: number;
  /** Total time clients spent waiting for a server connection, in microseconds. */
  waitMicroseconds: number;
}

/** Reads the pool of `database` from the admin console of the pooler at `poolerUrl` (`SHOW POOLS`). */
export async function poolerPool(poolerUrl: string, database: string): Promise<PoolerPool> {
  const sum = await adminRow(poolerUrl, "SHOW POOLS", database);
  return {
    clients: sum("cl_active", "cl_waiting"),
    servers: sum("sv_active", "sv_idle", "sv_used", "sv_tested", "sv_login"),
  };
}

/**
 * Reads the counters of `database` from the admin console of the pooler at `poolerUrl`, after the
 * pooler's next refresh of them (`stats_period = 1` in .ci/pgbouncer/pgbouncer.ini).
 */
export async function poolerStats(poolerUrl: string, database: string): Promise<PoolerStats> {
  await new Promise((resolve) => setTimeout(resolve, STATS_PERIOD_MS + 100));
  const sum = await adminRow(poolerUrl, "SHOW STATS", database);
  return { transactions: sum("total_xact_count"), waitMicroseconds: sum("total_wait_time") };
}

/** The pooler's settings (`SHOW CONFIG`), by name: `pool_mode`, `default_pool_size`, ... */
export async function poolerConfig(poolerUrl: string): Promise<Record<string, string>> {
  return withAdmin(poolerUrl, async (client) => {
    const { rows } = await client.query<{ key: string; value: string }>("SHOW CONFIG");
    return Object.fromEntries(rows.map((row) => [row.key, row.value]));
  });
}

/**
 * Whether the pooler keeps protocol-level named prepared statements across its server connections:
 * PgBouncer 1.21 and later with `max_prepared_statements` above 0.
 */
export async function poolerKeepsPreparedStatements(poolerUrl: string): Promise<boolean> {
  const version = await withAdmin(poolerUrl, async (client) => String(Object.values((await client.query("SHOW VERSION")).rows[0] ?? {})[0] ?? ""));
  const [major = 0, minor = 0] = (/(\d+)\.(\d+)/.exec(version) ?? []).slice(1).map(Number);
  const config = await poolerConfig(poolerUrl);
  return (major > 1 || (major === 1 && minor >= 21)) && Number(config.max_prepared_statements ?? 0) > 0;
}

/** Runs an admin console command (simple query protocol only) and returns a summer over `database`'s row. */
async function adminRow(poolerUrl: string, command: string, database: string): Promise<(...columns: string[]) => number> {
  return withAdmin(poolerUrl, async (client) => {
    const { rows } = await client.query<Record<string, string>>(command);
    const row = rows.find((candidate) => candidate.database === database) ?? {};
    return (...columns: string[]) => columns.reduce((total, column) => total + Number(row[column] ?? 0), 0);
  });
}

/** Runs `use` on a connection to the pooler's admin console (it speaks the simple query protocol only). */
async function withAdmin<T>(poolerUrl: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const admin = new URL(poolerUrl);
  admin.pathname = "/pgbouncer";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}
