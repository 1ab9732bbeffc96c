import { headline, type BenchContext, type Measurement } from "../bench-context.js";
import { bulkSessionCookies } from "../cookies.js";
import { loadSessions } from "../database.js";
import { medianRun, runLoad, type RunResult } from "../load.js";
import { startAll, summary } from "./throughput.js";

/** Lookup latency of one sessionrow contender at one table size. */
export interface ScaleMeasurement extends Measurement {
  rows: number;
  tableBytes: number;
}

/** contender name -> [small table, large table]. */
export type ScaleResults = Record<string, ScaleMeasurement[]>;

export const SMALL_TABLE_ROWS = 10_000;

/**
 * Session lookup latency with 10,000 rows, then with `scaleRows` rows, in sessionrow's table: every
 * request presents a different random live session of the whole table (so the large table's index
 * and heap pages are not all cached), on `GET /lookup`, which reads the session (joined with its user)
 * and is declared read-only: the lookup alone, no touch.
 */
export async function runScale(context: BenchContext): Promise<ScaleResults> {
  const { settings, log } = context;
  const contenders = context.contenders.filter((contender) => contender.kind === "sessionrow");
  const cookie = bulkSessionCookies(context.secret);
  const results: ScaleResults = {};
  for (const rows of [SMALL_TABLE_ROWS, settings.scaleRows]) {
    log(`scale: loading ${rows.toLocaleString("en")} sessions`);
    const table = await loadSessions(context.databaseUrl, [{ from: 1, to: rows, state: "live" }]);
    const running = await startAll(context, contenders);
    try {
      const runs = new Map<string, RunResult[]>();
      const spec = {
        path: "/lookup",
        connections: settings.connections,
        durationSec: settings.durationSec,
        cookieForRequest: () => cookie(1 + Math.floor(Math.random() * rows)),
      };
      for (const { process } of running) await runLoad(process, { ...spec, durationSec: settings.warmupSec });
      for (let run = 1; run <= settings.runs; run++) {
        for (const { info, process } of running) {
          const result = await runLoad(process, spec);
          runs.set(info.name, [...(runs.get(info.name) ?? []), result]);
          log(`scale ${rows} rows run ${run}/${settings.runs} ${info.name}: ${summary(result)}`);
        }
      }
      for (const [name, list] of runs) {
        (results[name] ??= []).push({ rows: table.rows, tableBytes: table.bytes, median: medianRun(list), runs: list.map(headline) });
      }
    } finally {
      await Promise.all(running.map(({ process }) => process.stop()));
    }
  }
  return results;
}
