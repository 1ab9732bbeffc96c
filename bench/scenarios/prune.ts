import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { headline, type BenchContext, type Measurement } from "../bench-context.js";
import { startContender } from "../contender-client.js";
import { bulkSessionCookies } from "../cookies.js";
import { loadSessions, withClient } from "../database.js";
import { medianRun, runLoad, startLoad, type LoadSpec, type RunResult } from "../load.js";
import type { PruneJobResult } from "../prune-job.js";
import { summary } from "./throughput.js";

/** One prune variant: the job's totals and the concurrent requests' latency without and during it. */
export interface PruneMeasurement {
  variant: string;
  expiredRows: number;
  liveRows: number;
  job: Omit<PruneJobResult, "type">;
  /** Requests on live sessions before the prune (medians of the runs). */
  without: Measurement;
  /** The same requests while the prune runs (one run, as long as the prune). */
  during: RunResult;
  /** Rows left afterwards: expired must be 0, live unchanged. */
  left: { expired: number; live: number };
}

/** Prune variants: sessionrow's stores, and a one-statement-per-batch SQL reference. */
export const PRUNE_VARIANTS = [
  { id: "sessionrow-prisma", label: "sessionrow + Prisma: prune()" },
  { id: "sessionrow-typeorm", label: "sessionrow + TypeORM: prune()" },
  { id: "raw-sql", label: "reference: one DELETE ... WHERE id IN (SELECT ... LIMIT n) per batch (plain pg)" },
] as const;

const JOB = fileURLToPath(new URL("../prune-job.ts", import.meta.url));

/**
 * For each variant: `pruneRows` expired sessions plus `pruneLiveRows` live ones; requests on random
 * live sessions (`GET /lookup` on sessionrow + Prisma) measured first without, then during the
 * prune, which runs as a separate process (a cron job) with sessionrow's default batch size.
 */
export async function runPrune(context: BenchContext): Promise<PruneMeasurement[]> {
  const { settings, log } = context;
  const live = settings.pruneLiveRows;
  const cookie = bulkSessionCookies(context.secret);
  const spec: LoadSpec = {
    path: "/lookup",
    connections: settings.connections,
    durationSec: settings.durationSec,
    cookieForRequest: () => cookie(1 + Math.floor(Math.random() * live)),
  };
  const variants = PRUNE_VARIANTS.filter((variant) =>
    variant.id === "raw-sql" ? settings.pruneReference : context.contenders.some((contender) => contender.name === variant.id),
  );
  const results: PruneMeasurement[] = [];
  for (const variant of variants) {
    log(`prune ${variant.id}: loading ${live.toLocaleString("en")} live + ${settings.pruneRows.toLocaleString("en")} expired sessions`);
    await loadSessions(context.databaseUrl, [
      { from: 1, to: live, state: "live" },
      { from: live + 1, to: live + settings.pruneRows, state: "expired" },
    ]);
    const server = await startContender("sessionrow-prisma", { databaseUrl: context.databaseUrl, secret: context.secret, profileDir: context.settings.profileDir });
    try {
      await runLoad(server, { ...spec, durationSec: settings.warmupSec });
      const without: RunResult[] = [];
      for (let run = 1; run <= settings.runs; run++) {
        without.push(await runLoad(server, spec));
        log(`prune ${variant.id}: without prune, run ${run}/${settings.runs}: ${summary(without.at(-1)!)}`);
      }
      const job = await startJob(variant.id, context);
      const load = startLoad(server, { ...spec, durationSec: 3600 });
      await load.started;
      const done = await job.go();
      load.stop();
      const during = await load.result;
      log(
        `prune ${variant.id}: ${done.deleted.toLocaleString("en")} rows in ${(done.ms / 1000).toFixed(1)} s (${done.batches} batches of ${done.batchSize}); ` +
          `during: ${summary(during)}`,
      );
      const left = await withClient(context.databaseUrl, async (client) => {
        const { rows } = await client.query<{ expired: string; live: string }>(
          `SELECT count(*) FILTER (WHERE "expiresAt" <= now()) AS expired, count(*) FILTER (WHERE "expiresAt" > now()) AS live FROM "Session"`,
        );
        return { expired: Number(rows[0]!.expired), live: Number(rows[0]!.live) };
      });
      const { type: _type, ...jobTotals } = done;
      results.push({
        variant: variant.id,
        expiredRows: settings.pruneRows,
        liveRows: live,
        job: jobTotals,
        without: { median: medianRun(without), runs: without.map(headline) },
        during,
        left,
      });
    } finally {
      await server.stop();
    }
  }
  return results;
}

async function startJob(variant: string, context: BenchContext): Promise<{ go(): Promise<PruneJobResult> }> {
  const child = fork(JOB, [variant], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, BENCH_DATABASE_URL: context.databaseUrl, BENCH_SECRET: context.secret },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const message = (type: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const onMessage = (value: Record<string, unknown>) => {
        if (value.type !== type) return;
        child.off("exit", onExit);
        child.off("message", onMessage);
        resolve(value);
      };
      const onExit = (code: number | null) => reject(new Error(`prune job ${variant} exited (code ${code}) before "${type}"`));
      child.on("message", onMessage);
      child.once("exit", onExit);
    });
  await message("ready");
  return {
    go: async () => {
      const done = message("done");
      child.send({ type: "go" });
      return (await done) as unknown as PruneJobResult;
    },
  };
}
