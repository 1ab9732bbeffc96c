import { headline, type BenchContext, type Measurement } from "../bench-context.js";
import { startContender, type RunningContender } from "../contender-client.js";
import { runsIn, type ContenderInfo } from "../contenders.js";
import { bulkSessionCookies, loginMany } from "../cookies.js";
import { loadSessions } from "../database.js";
import { medianRun, runLoad, type LoadSpec, type RunResult } from "../load.js";

/** The per-request scenarios, on every contender. */
export const THROUGHPUT_SCENARIOS = [
  {
    id: "read",
    path: "/read",
    title: "Authenticated, read-only",
    description: "a logged-in request reads one session key and the user row and changes nothing",
    targetReference: "raw-pg",
  },
  {
    id: "change",
    path: "/change",
    title: "Authenticated, one key changed",
    description: "a logged-in request sets one session key",
    targetReference: "express-session-pg-simple",
  },
  {
    id: "anonymous",
    path: "/anonymous",
    title: "New anonymous session",
    description: "a request without a cookie stores one key, so a new session is created and stored (an empty one is stored by no contender)",
    targetReference: "express-session-pg-simple",
  },
] as const;

export type ThroughputScenarioId = (typeof THROUGHPUT_SCENARIOS)[number]["id"];

/** scenario -> contender name -> measurement. */
export type ThroughputResults = Partial<Record<ThroughputScenarioId, Record<string, Measurement>>>;

/**
 * Every contender serves the scenarios; runs are interleaved (run 1 of every contender, then run 2
 * in reverse order, ...; see {@link pairedOrder}) so that a noisy moment on a shared machine hurts all contenders alike, and each contender
 * warms up before its first run of a scenario. Authenticated scenarios use one session per
 * connection, created by `POST /login`; the references read sessionrow rows bulk-inserted for them.
 */
export async function runThroughput(context: BenchContext): Promise<ThroughputResults> {
  const { settings, contenders, log } = context;
  await loadSessions(context.databaseUrl, [{ from: 1, to: settings.connections, state: "live" }]);
  const bulkCookie = bulkSessionCookies(context.secret);
  const running = await startAll(context, contenders.filter((contender) => runsIn(contender, "throughput")));
  const results: ThroughputResults = {};
  try {
    for (const scenario of THROUGHPUT_SCENARIOS.filter((s) => settings.scenarios.length === 0 || settings.scenarios.includes(s.id))) {
      const entrants = running.filter(({ info }) => info.kind !== "reference" || scenario.id === "read");
      const specs = new Map<string, LoadSpec>();
      for (const { info, process } of entrants) {
        const spec: LoadSpec = { path: scenario.path, connections: settings.connections, durationSec: settings.durationSec };
        if (scenario.id !== "anonymous") {
          spec.cookies =
            info.kind === "reference"
              ? Array.from({ length: settings.connections }, (_, i) => bulkCookie(i + 1))
              : await loginMany(process, settings.connections);
        }
        specs.set(info.name, spec);
        log(`${scenario.id}: warming up ${info.name}`);
        await runLoad(process, { ...spec, durationSec: settings.warmupSec });
      }
      const runs = new Map<string, RunResult[]>();
      const order = pairedOrder(entrants, scenario.targetReference);
      for (let run = 1; run <= settings.runs; run++) {
        // Every other round in reverse order: a contender measured late in one round is measured early
        // in the next, so that a machine speeding up or slowing down within rounds favours nobody.
        for (const { info, process } of run % 2 === 1 ? order : [...order].reverse()) {
          const result = await runLoad(process, specs.get(info.name)!);
          runs.set(info.name, [...(runs.get(info.name) ?? []), result]);
          log(`${scenario.id} run ${run}/${settings.runs} ${info.name}: ${summary(result)}`);
        }
      }
      results[scenario.id] = Object.fromEntries(
        [...runs].map(([name, list]) => [name, { median: medianRun(list), runs: list.map(headline) }]),
      );
    }
  } finally {
    await Promise.all(running.map(({ process }) => process.stop()));
  }
  return results;
}

/**
 * The order of a round: the scenario's target reference between the sessionrow contenders, then the
 * others in report order. The speed of a shared machine drifts over tens of seconds, and a target is
 * the median of per-round ratios of sessionrow to that reference: measured back to back, the two
 * runs of a ratio see the same machine.
 */
export function pairedOrder<T extends { info: ContenderInfo }>(entrants: readonly T[], reference: string): T[] {
  const ours = entrants.filter(({ info }) => info.kind === "sessionrow");
  const theirs = entrants.find(({ info }) => info.name === reference);
  if (theirs === undefined || ours.length === 0) return [...entrants];
  const paired = [ours[0]!, theirs, ...ours.slice(1)];
  return [...paired, ...entrants.filter((entrant) => !paired.includes(entrant))];
}

/** Starts the contenders' processes and records their settings. */
export async function startAll(
  context: BenchContext,
  contenders: readonly ContenderInfo[],
): Promise<{ info: ContenderInfo; process: RunningContender }[]> {
  const running: { info: ContenderInfo; process: RunningContender }[] = [];
  try {
    for (const info of contenders) {
      const process = await startContender(info.name, { databaseUrl: context.databaseUrl, secret: context.secret, profileDir: context.settings.profileDir });
      context.contenderSettings[info.name] = process.settings;
      running.push({ info, process });
    }
  } catch (error) {
    await Promise.all(running.map(({ process }) => process.stop()));
    throw error;
  }
  return running;
}

/** One line about a run, for the progress log. */
export function summary(run: RunResult): string {
  const failed = run.non2xx + run.errors > 0 ? `, ${run.non2xx} non-2xx, ${run.errors} errors` : "";
  return `${run.rps.toFixed(0)} req/s, p50 ${run.p50.toFixed(2)} ms, p99 ${run.p99.toFixed(2)} ms, ${run.statementsPerRequest.toFixed(2)} statements/request, ${run.cpuMsPerRequest.toFixed(3)} CPU ms/request, database ${run.databaseCpuMsPerRequest?.toFixed(3) ?? "-"}${failed}`;
}
