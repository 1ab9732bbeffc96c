import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { DataSource } from "typeorm";
import { SessionManager } from "../../src/index.js";
import { PrismaClient } from "../../generated/prisma/client.js";
import { BenchUserEntity } from "../bench-user-entity.js";
import { SessionrowSessionEntity } from "../contenders/sessionrow-typeorm-data-source.js";
import { loadSessions, withClient } from "../database.js";

/** One `prune()` of a table of expired sessions, and the VACUUM after it. */
export interface PruneRun {
  orm: "Prisma" | "TypeORM";
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  batchSize: number;
  deadRowsAfter: number;
  bytesBeforeVacuum: number;
  vacuumSeconds: number;
  bytesAfterVacuum: number;
}

/** Removing the same number of rows as one time partition: DETACH + DROP. */
export interface PartitionDrop {
  rows: number;
  detachAndDropMs: number;
}

const BATCH_SIZE = 1000;

/** Loads `rows` expired sessions (bench/database.ts loadSessions), prunes them with each ORM's manager, then VACUUMs. */
export async function measurePrune(databaseUrl: string, secret: string, rows: number, log: (message: string) => void): Promise<PruneRun[]> {
  const runs: PruneRun[] = [];
  for (const orm of ["Prisma", "TypeORM"] as const) {
    await loadSessions(databaseUrl, [{ from: 1, to: rows, state: "expired" }]);
    const { manager, close } = await pruneManager(orm, databaseUrl, secret);
    const started = performance.now();
    const deleted = await manager.prune({ batchSize: BATCH_SIZE });
    const seconds = (performance.now() - started) / 1000;
    await close();
    if (deleted !== rows) throw new Error(`${orm} prune deleted ${deleted} of ${rows} expired rows`);
    const run = await withClient(databaseUrl, async (client) => {
      await client.query('ANALYZE "Session"');
      const dead = await client.query<{ dead: string; bytes: string }>(
        `SELECT n_dead_tup AS dead, pg_total_relation_size('"Session"') AS bytes FROM pg_stat_user_tables WHERE relname = 'Session'`,
      );
      const vacuumStarted = performance.now();
      await client.query('VACUUM "Session"');
      const vacuumSeconds = (performance.now() - vacuumStarted) / 1000;
      const after = await client.query<{ bytes: string }>(`SELECT pg_total_relation_size('"Session"') AS bytes`);
      return {
        orm,
        rows: deleted,
        seconds,
        rowsPerSecond: deleted / seconds,
        batchSize: BATCH_SIZE,
        deadRowsAfter: Number(dead.rows[0]!.dead),
        bytesBeforeVacuum: Number(dead.rows[0]!.bytes),
        vacuumSeconds,
        bytesAfterVacuum: Number(after.rows[0]!.bytes),
      };
    });
    log(`${orm} prune: ${deleted} rows in ${seconds.toFixed(1)} s (${run.rowsPerSecond.toFixed(0)} rows/s); VACUUM ${run.vacuumSeconds.toFixed(1)} s`);
    runs.push(run);
  }
  return runs;
}

async function pruneManager(orm: "Prisma" | "TypeORM", databaseUrl: string, secret: string) {
  if (orm === "Prisma") {
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
    return { manager: SessionManager.fromPrisma(prisma, { secret }), close: () => prisma.$disconnect() };
  }
  const dataSource = await new DataSource({ type: "postgres", url: databaseUrl, entities: [BenchUserEntity, SessionrowSessionEntity] }).initialize();
  return { manager: SessionManager.fromTypeORM(dataSource, { secret, entity: SessionrowSessionEntity }), close: () => dataSource.destroy() };
}

/**
 * The partitioned alternative, for comparison only (sessionrow does not ship it): a copy of the
 * session table partitioned by day of `absoluteExpiresAt`, one day holding `rows` sessions, removed
 * with DETACH PARTITION + DROP TABLE.
 */
export async function measurePartitionDrop(databaseUrl: string, rows: number): Promise<PartitionDrop> {
  return withClient(databaseUrl, async (client: pg.Client) => {
    await client.query(`DROP TABLE IF EXISTS "SessionByDay"`);
    await client.query(`CREATE TABLE "SessionByDay" (LIKE "Session" INCLUDING DEFAULTS, PRIMARY KEY ("id", "absoluteExpiresAt")) PARTITION BY RANGE ("absoluteExpiresAt")`);
    await client.query(`CREATE INDEX ON "SessionByDay" ("expiresAt")`);
    await client.query(`CREATE INDEX ON "SessionByDay" ("userId")`);
    await client.query(`CREATE TABLE "SessionByDay_d1" PARTITION OF "SessionByDay" FOR VALUES FROM ('2000-01-01') TO ('2000-01-02')`);
    await client.query(
      `INSERT INTO "SessionByDay" ("id", "userId", "data", "version", "expiresAt", "absoluteExpiresAt")
       SELECT encode(sha256(convert_to('day' || i, 'UTF8')), 'hex'), NULL, '{"theme":"dark"}', 1, '2000-01-01 12:00Z', '2000-01-01 12:00Z'
       FROM generate_series(1, $1::int) AS i`,
      [rows],
    );
    await client.query("CHECKPOINT");
    const started = performance.now();
    await client.query(`ALTER TABLE "SessionByDay" DETACH PARTITION "SessionByDay_d1"`);
    await client.query(`DROP TABLE "SessionByDay_d1"`);
    const detachAndDropMs = performance.now() - started;
    await client.query(`DROP TABLE "SessionByDay"`);
    return { rows, detachAndDropMs };
  });
}
