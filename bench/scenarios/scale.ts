import { headline, type BenchContext, type Measurement } from "../bench-context.js";
import { bulkSessionCookies } from "../cookies.js";
import { loadSessions, resetBenchDatabase, withClient } from "../database.js";
import { medianRun, runLoad, type RunResult } from "../load.js";
import { startAll, summary } from "./throughput.js";

/** Lookup latency of one sessionrow contender at one table size. */
export interface ScaleMeasurement extends Measurement {
  rows: number;
  tableBytes: number;
}

/** contender name -> [small table, large table]; run i of each was measured in the same round. */
export type ScaleResults = Record<string, ScaleMeasurement[]>;

export const SMALL_TABLE_ROWS = 10_000;

/**
 * Session lookup latency with 10,000 rows and with `scaleRows` rows in sessionrow's table: every
 * request presents a different random live session of the whole table (so the large table's index
 * and heap pages are not all cached), on `GET /lookup`, which reads the session (joined with its user)
 * and is declared read-only: the lookup alone, no touch. The small table is in a database of its own
 * on the same server, each contender runs once per database, and a round measures both sizes back to
 * back (in alternating order), so that each round's p99 ratio compares runs seconds apart.
 */
export async function runScale(context: BenchContext): Promise<ScaleResults> {
  const { settings, log } = context;
  const contenders = context.contenders.filter((contender) => contender.kind === "sessionrow");
  const cookie = bulkSessionCookies(context.secret);
  const smallDatabase = `${settings.database}_small`;
  const sizes = [
    { rows: SMALL_TABLE_ROWS, databaseUrl: await resetBenchDatabase(settings.serverUrl, smallDatabase) },
    { rows: settings.scaleRows, databaseUrl: context.databaseUrl },
  ];
  const results: ScaleResults = {};
  const running: { rows: number; tableBytes: number; processes: Awaited<ReturnType<typeof startAll>> }[] = [];
  try {
    for (const { rows, databaseUrl } of sizes) {
      log(`scale: loading ${rows.toLocaleString("en")} sessions`);
      const table = await loadSessions(databaseUrl, [{ from: 1, to: rows, state: "live" }]);
      running.push({ rows: table.rows, tableBytes: table.bytes, processes: await startAll({ ...context, databaseUrl }, contenders) });
    }
    const specOf = (rows: number) => ({
      path: "/lookup",
      connections: settings.connections,
      durationSec: settings.durationSec,
      cookieForRequest: () => cookie(1 + Math.floor(Math.random() * rows)),
    });
    for (const size of running) {
      for (const { process } of size.processes) await runLoad(process, { ...specOf(size.rows), durationSec: settings.warmupSec });
    }
    const runs = new Map<string, RunResult[][]>();
    for (let run = 1; run <= settings.runs; run++) {
      const order = run % 2 === 1 ? [0, 1] : [1, 0];
      for (const [index, info] of contenders.entries()) {
        for (const size of order) {
          const { rows, processes } = running[size]!;
          const result = await runLoad(processes[index]!.process, specOf(rows));
          const lists = runs.get(info.name) ?? [[], []];
          lists[size]!.push(result);
          runs.set(info.name, lists);
          log(`scale ${rows} rows run ${run}/${settings.runs} ${info.name}: ${summary(result)}`);
        }
      }
    }
    for (const [name, lists] of runs) {
      results[name] = lists.map((list, size) => ({
        rows: running[size]!.rows,
        tableBytes: running[size]!.tableBytes,
        median: medianRun(list),
        runs: list.map(headline),
      }));
    }
  } finally {
    await Promise.all(running.flatMap((size) => size.processes.map(({ process }) => process.stop())));
    await withClient(settings.serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${smallDatabase}" WITH (FORCE)`));
  }
  return results;
}
