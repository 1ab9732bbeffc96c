import { headline, type BenchContext, type Measurement } from "../bench-context.js";
import { getJson, login } from "../cookies.js";
import { median, medianRun, runLoad, type RunResult } from "../load.js";
import { startAll, summary } from "./throughput.js";

/** One contender under contention: the load run plus what the counter kept. */
export interface IncrementsMeasurement extends Measurement {
  /** Medians over the runs. */
  keptPercent: number;
  /** Increments that survived, per second. */
  keptPerSec: number;
  /** Each run: 2xx answers, final counter, kept % (= count / ok). */
  counters: { ok: number; non2xx: number; count: number; keptPercent: number; keptPerSec: number }[];
}

/**
 * Issue 8's contention scenario: all connections share ONE session and every request increments a
 * counter in it (sessionrow: `session.increment("count")`; express-session:
 * `req.session.count = (req.session.count ?? 0) + 1`). Afterwards the counter is read back: kept % =
 * final counter / 2xx answers. A fresh session per run; runs interleaved across contenders. Each
 * run sends a fixed number of requests (the warm-up's rate x the duration), so that no request is
 * cut off unanswered at the end of a run and the count is exact.
 * (issue 8 counts kept increments against 2xx answers: a 409 tells the client its increment failed.)
 */
export async function runIncrements(context: BenchContext): Promise<Record<string, IncrementsMeasurement>> {
  const { settings, log } = context;
  const running = await startAll(
    context,
    context.contenders.filter((contender) => contender.kind === "sessionrow" || contender.kind === "peer"),
  );
  const runs = new Map<string, { run: RunResult; count: number }[]>();
  const amounts = new Map<string, number>();
  const spec = { path: "/increment", connections: settings.connections, durationSec: settings.durationSec };
  try {
    for (const { info, process } of running) {
      log(`increments: warming up ${info.name}`);
      const cookie = await login(process, 1);
      const warmup = await runLoad(process, { ...spec, durationSec: settings.warmupSec, cookies: [cookie] });
      amounts.set(info.name, Math.max(10 * settings.connections, Math.round(warmup.served / warmup.durationSec) * settings.durationSec));
    }
    for (let n = 1; n <= settings.runs; n++) {
      for (const { info, process } of running) {
        const cookie = await login(process, 1);
        const run = await runLoad(process, { ...spec, amount: amounts.get(info.name)!, cookies: [cookie] });
        const count = Number((await getJson(process, "/count", cookie)).count);
        runs.set(info.name, [...(runs.get(info.name) ?? []), { run, count }]);
        log(`increments run ${n}/${settings.runs} ${info.name}: ${summary(run)}; kept ${count} of ${run.ok} (${percent(count, run.ok).toFixed(1)}%)`);
      }
    }
  } finally {
    await Promise.all(running.map(({ process }) => process.stop()));
  }
  return Object.fromEntries(
    [...runs].map(([name, list]) => {
      const counters = list.map(({ run, count }) => ({
        ok: run.ok,
        non2xx: run.non2xx,
        count,
        keptPercent: percent(count, run.ok),
        keptPerSec: count / run.durationSec,
      }));
      return [
        name,
        {
          median: medianRun(list.map(({ run }) => run)),
          runs: list.map(({ run }) => headline(run)),
          keptPercent: median(counters.map((counter) => counter.keptPercent)),
          keptPerSec: median(counters.map((counter) => counter.keptPerSec)),
          counters,
        },
      ];
    }),
  );
}

/** `part` as a percentage of `whole` (0 when `whole` is 0). */
export function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : (100 * part) / whole;
}
