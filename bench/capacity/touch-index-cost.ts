import { createHash } from "node:crypto";
import pg from "pg";
import { withClient } from "../database.js";
import { cpuBetween } from "../database-cpu.js";
import { backendCpuMilliseconds } from "./backend-cpu.js";
import { unmetered } from "./wire-meter.js";

/** What a touch (the UPDATE of `lastSeenAt` and `expiresAt`) costs, with or without the `expiresAt` index. */
export interface TouchCost {
  expiresAtIndex: boolean;
  updates: number;
  /** Updates the table's statistics counted (all of them, once every backend has exited). */
  countedUpdates: number;
  /** Share of the updates PostgreSQL made HOT (heap-only: no index entry written). */
  hotShare: number;
  walBytesPerUpdate: number;
  databaseCpuMsPerUpdate: number | null;
}

const ROWS = 100_000;
const UPDATES = 20_000;
const CONCURRENCY = 10;

/**
 * Runs the touch statement sessionrow's stores send (`UPDATE ... SET "lastSeenAt", "expiresAt" WHERE
 * "id" = $1`) on random rows of a copy of the session table, twice: with its indexes as the
 * migrations create them, and without the `expiresAt` one. A changed indexed column rules out a HOT
 * update, so the index is paid on every touch and save. The copy has fillfactor 90, so that pages have
 * room for HOT updates as a table with churn does.
 */
export async function measureTouchIndexCost(databaseUrl: string): Promise<TouchCost[]> {
  const results: TouchCost[] = [];
  for (const expiresAtIndex of [true, false]) {
    await withClient(databaseUrl, async (client) => {
      await client.query(`DROP TABLE IF EXISTS "TouchProbe"`);
      await client.query(`CREATE TABLE "TouchProbe" (LIKE "Session" INCLUDING DEFAULTS INCLUDING CONSTRAINTS) WITH (fillfactor = 90)`);
      await client.query(`ALTER TABLE "TouchProbe" ADD PRIMARY KEY ("id")`);
      await client.query(`CREATE INDEX ON "TouchProbe" ("userId")`);
      if (expiresAtIndex) await client.query(`CREATE INDEX ON "TouchProbe" ("expiresAt")`);
      await client.query(
        `INSERT INTO "TouchProbe" ("id", "userId", "data", "expiresAt", "absoluteExpiresAt", "ipAddress", "userAgent")
         SELECT encode(sha256(convert_to('touch' || i, 'UTF8')), 'hex'), NULL, '{"theme":"dark"}', now() + interval '30 minutes',
                now() + interval '7 days', '203.0.113.7', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
         FROM generate_series(1, ${ROWS}) AS i`,
      );
      await client.query(`VACUUM ANALYZE "TouchProbe"`);
    });
    results.push(await runTouches(databaseUrl, expiresAtIndex));
  }
  await withClient(databaseUrl, (client) => client.query(`DROP TABLE "TouchProbe"`));
  return results;
}

async function runTouches(databaseUrl: string, expiresAtIndex: boolean): Promise<TouchCost> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: CONCURRENCY, idleTimeoutMillis: 0 });
  const monitor = unmetered(new pg.Client({ connectionString: databaseUrl }));
  await monitor.connect();
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, () => pool.query("SELECT 1")));
    const stats = async () => {
      const { rows } = await monitor.query<{ upd: string; hot: string; wal: string }>(
        `SELECT n_tup_upd AS upd, n_tup_hot_upd AS hot, pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint AS wal
         FROM pg_stat_user_tables WHERE relname = 'TouchProbe'`,
      );
      return { updates: Number(rows[0]!.upd), hot: Number(rows[0]!.hot), wal: Number(rows[0]!.wal) };
    };
    const before = await stats();
    const cpuBefore = await backendCpuMilliseconds(monitor);
    const walBefore = (await monitor.query<{ wal: string }>(`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint AS wal`)).rows[0]!.wal;
    let issued = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (issued < UPDATES) {
          const n = 1 + ((issued++ * 7919) % ROWS);
          const id = createHash("sha256").update(`touch${n}`).digest("hex");
          await pool.query(`UPDATE "TouchProbe" SET "lastSeenAt" = $2, "expiresAt" = $3 WHERE "id" = $1`, [
            id,
            new Date(),
            new Date(Date.now() + 30 * 60_000),
          ]);
        }
      }),
    );
    const walAfter = (await monitor.query<{ wal: string }>(`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint AS wal`)).rows[0]!.wal;
    const cpu = cpuBetween(cpuBefore, await backendCpuMilliseconds(monitor));
    // An idle backend may keep its table counters up to 10 s; an exiting one publishes them.
    await pool.end();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = await stats();
    const counted = after.updates - before.updates;
    return {
      expiresAtIndex,
      updates: UPDATES,
      countedUpdates: counted,
      hotShare: (after.hot - before.hot) / counted,
      walBytesPerUpdate: (Number(walAfter) - Number(walBefore)) / UPDATES,
      databaseCpuMsPerUpdate: cpu === null ? null : cpu / UPDATES,
    };
  } finally {
    await monitor.end();
    if (!pool.ended) await pool.end();
  }
}
