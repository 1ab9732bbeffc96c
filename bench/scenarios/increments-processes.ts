import type { BenchContext } from "../bench-context.js";
import { startContender, type RunningContender } from "../contender-client.js";
import type { ContenderInfo } from "../contenders.js";
import { bulkSessionCookies, getJson, login } from "../cookies.js";
import { loadSessions } from "../database.js";
import { median, runLoad, type LoadSpec, type RunResult } from "../load.js";
import { percent } from "./increments.js";

/** Processes of each contender that increment the one session at once. */
export const PROCESSES = 10;

/** One run of a contender's processes: their loads added up, and the counter read back afterwards. */
export interface ProcessesRun {
  /** 2xx answers, summed over the processes. */
  ok: number;
  non2xx: number;
  errors: number;
  /** The counter read back after the run. */
  count: number;
  /** count / ok, in %. */
  keptPercent: number;
  /** count / durationSec. */
  keptPerSec: number;
  /** The longest of the processes' runs (they start together, each with the same number of requests). */
  durationSec: number;
  /** Requests the processes received. */
  served: number;
  /** Statements the processes sent, per request received. */
  statementsPerRequest: number;
  /** The same by first SQL keyword (SELECT, UPDATE, BEGIN, COMMIT, ...). */
  byKind: Record<string, number>;
}

/** One contender's processes incrementing one session: medians over the runs, and each run. */
export interface ProcessesIncrementsMeasurement {
  processes: number;
  /** Requests each process is sent per run (the warm-up's rate x the duration). */
  amountPerProcess: number;
  keptPerSec: number;
  keptPercent: number;
  statementsPerRequest: number;
  byKind: Record<string, number>;
  runs: ProcessesRun[];
}

/** A contender's processes, and where a run gets a fresh session (a cookie) from. */
interface Group {
  info: ContenderInfo;
  processes: RunningContender[];
  newSession(): Promise<string>;
}

/**
 * Issue 14's cross-process contention: {@link PROCESSES} processes of the same contender increment
 * ONE session at once, 1 connection each (sessionrow: `session.increment("count")`;
 * the raw jsonb_set reference: one atomic `UPDATE ... jsonb_set`). The processes share the secret and
 * the database, so the cookie of one login works on all of them. Afterwards the counter is read
 * back: kept % = final counter / 2xx answers, kept increments/s = final counter / the run's length.
 * Statements are summed over the processes. Each process is sent a fixed number of requests (the
 * warm-up's rate x the duration), so that none is cut off and the count is exact.
 *
 * sessionrow contenders use a fresh `POST /login` session per run; the raw jsonb_set reference has
 * no login: it increments rows bulk-inserted here (loadSessions, as raw pg reads them in the
 * throughput scenarios), one per run, named by their sessionrow cookie. Every contender's processes
 * stay up for the whole scenario so that runs are interleaved across contenders (measured: 30
 * processes take about 5 GiB, no CPU while idle, and one idle pool connection each).
 */
export async function runIncrementsFromProcesses(context: BenchContext): Promise<Record<string, ProcessesIncrementsMeasurement>> {
  const { settings, log } = context;
  const entrants = context.contenders.filter(
    (contender) => contender.kind === "sessionrow" || contender.parts?.includes("increments-10p") === true,
  );
  const references = entrants.filter((contender) => contender.kind === "reference");
  if (references.length > 0) {
    await loadSessions(context.databaseUrl, [{ from: 1, to: references.length * (settings.runs + 1), state: "live" }]);
  }
  const bulkCookie = bulkSessionCookies(context.secret);
  let bulkRows = 0;
  const groups: Group[] = [];
  const amounts = new Map<string, number>();
  const runs = new Map<string, ProcessesRun[]>();
  try {
    for (const info of entrants) {
      log(`increments-10p: starting ${PROCESSES} processes of ${info.name}`);
      const processes = await startProcesses(context, info);
      const newSession = info.kind === "reference" ? async () => bulkCookie(++bulkRows) : () => login(processes[0]!, 1);
      groups.push({ info, processes, newSession });
    }
    for (const group of groups) {
      log(`increments-10p: warming up ${group.info.name}`);
      const warmup = await incrementAll(group.processes, { durationSec: settings.warmupSec, cookies: [await group.newSession()] });
      const perProcessRate = sum(warmup, (run) => run.served) / Math.max(...warmup.map((run) => run.durationSec)) / PROCESSES;
      amounts.set(group.info.name, Math.max(10, Math.round(perProcessRate * settings.durationSec)));
    }
    for (let n = 1; n <= settings.runs; n++) {
      for (const { info, processes, newSession } of groups) {
        const cookie = await newSession();
        const loads = await incrementAll(processes, { durationSec: settings.durationSec, amount: amounts.get(info.name)!, cookies: [cookie] });
        const run = combine(loads, Number((await getJson(processes[0]!, "/count", cookie)).count));
        runs.set(info.name, [...(runs.get(info.name) ?? []), run]);
        log(`increments-10p run ${n}/${settings.runs} ${info.name}: ${describeRun(run)}`);
      }
    }
  } finally {
    await Promise.all(groups.flatMap(({ processes }) => processes.map((process) => process.stop())));
  }
  return Object.fromEntries([...runs].map(([name, list]) => [name, measurement(amounts.get(name)!, list)]));
}

/** Starts {@link PROCESSES} processes of a contender in parallel (all or none) and records its settings. */
async function startProcesses(context: BenchContext, info: ContenderInfo): Promise<RunningContender[]> {
  const env = { databaseUrl: context.databaseUrl, secret: context.secret, profileDir: context.settings.profileDir };
  const started = await Promise.allSettled(Array.from({ length: PROCESSES }, () => startContender(info.name, env)));
  const processes = started.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  const failed = started.find((result) => result.status === "rejected");
  if (failed) {
    await Promise.all(processes.map((process) => process.stop()));
    throw failed.reason;
  }
  context.contenderSettings[info.name] = processes[0]!.settings;
  return processes;
}

/** Sends `GET /increment` to every process at once, 1 connection each, with one session cookie. */
function incrementAll(processes: readonly RunningContender[], spec: Pick<LoadSpec, "durationSec" | "amount" | "cookies">): Promise<RunResult[]> {
  return Promise.all(processes.map((process) => runLoad(process, { ...spec, path: "/increment", connections: 1 })));
}

/** The processes' loads of one run as one, with the counter read back. */
function combine(loads: readonly RunResult[], count: number): ProcessesRun {
  const ok = sum(loads, (run) => run.ok);
  const served = sum(loads, (run) => run.served);
  const durationSec = Math.max(...loads.map((run) => run.durationSec));
  const perRequest = (total: number) => (served === 0 ? 0 : total / served);
  const counts: Record<string, number> = {};
  for (const run of loads) {
    // Each run's per-request figure times its requests is its count, a whole number up to rounding.
    for (const [kind, perRunRequest] of Object.entries(run.byKind)) counts[kind] = (counts[kind] ?? 0) + Math.round(perRunRequest * run.served);
  }
  const byKind = Object.fromEntries(Object.entries(counts).map(([kind, count]) => [kind, perRequest(count)]));
  return {
    ok,
    non2xx: sum(loads, (run) => run.non2xx),
    errors: sum(loads, (run) => run.errors),
    count,
    keptPercent: percent(count, ok),
    keptPerSec: count / durationSec,
    durationSec,
    served,
    statementsPerRequest: perRequest(sum(loads, (run) => run.statements)),
    byKind,
  };
}

/** Medians of a contender's runs (by kind: each kind's median). */
function measurement(amountPerProcess: number, runs: ProcessesRun[]): ProcessesIncrementsMeasurement {
  const kinds = new Set(runs.flatMap((run) => Object.keys(run.byKind)));
  return {
    processes: PROCESSES,
    amountPerProcess,
    keptPerSec: median(runs.map((run) => run.keptPerSec)),
    keptPercent: median(runs.map((run) => run.keptPercent)),
    statementsPerRequest: median(runs.map((run) => run.statementsPerRequest)),
    byKind: Object.fromEntries([...kinds].map((kind) => [kind, median(runs.map((run) => run.byKind[kind] ?? 0))])),
    runs,
  };
}

/** One line about a run, for the progress log. */
function describeRun(run: ProcessesRun): string {
  const kinds = Object.entries(run.byKind)
    .map(([kind, perRequest]) => `${perRequest.toFixed(2)} ${kind}`)
    .join(" + ");
  return (
    `kept ${run.count} of ${run.ok} (${run.keptPercent.toFixed(1)}%), ${run.keptPerSec.toFixed(0)} kept/s in ${run.durationSec.toFixed(2)} s, ` +
    `${run.non2xx} non-2xx, ${run.errors} errors, ${run.statementsPerRequest.toFixed(2)} statements/request (${kinds})`
  );
}

function sum<T>(items: readonly T[], pick: (item: T) => number): number {
  return items.reduce((total, item) => total + pick(item), 0);
}
