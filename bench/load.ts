import autocannon from "autocannon";
import type { RunningContender } from "./contender-client.js";
import { cpuBetween, serverCpu } from "./database-cpu.js";

/** How to load a contender: one route, `connections` keep-alive connections for `durationSec`. */
export interface LoadSpec {
  path: string;
  method?: "GET" | "POST";
  connections: number;
  durationSec: number;
  /** Send exactly this many requests instead (every one is answered: none is cut off by the end of the run). */
  amount?: number;
  /** One cookie per connection (connection i sends cookies[i % length]); none when absent. */
  cookies?: readonly string[];
  /** A fresh cookie for every request (overrides `cookies`). */
  cookieForRequest?: () => string;
}

/** One measured load run. Latencies are computed from every response's own float timing. */
export interface RunResult {
  /** 2xx responses per second. */
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  non2xx: number;
  errors: number;
  /** Seconds from the start of the run to its last response, timed here (autocannon's own figure is coarse). */
  durationSec: number;
  /** Requests the contender process received during the run (answered, or cut off when the run ended). */
  served: number;
  statements: number;
  statementsPerRequest: number;
  /**
   * CPU time of the contender process per request (user + system, ms): its own cost, much less
   * sensitive than requests/s to other load on the machine (the database's CPU is not included).
   */
  cpuMsPerRequest: number;
  /**
   * CPU time of the PostgreSQL server's processes per request (ms), which share the machine's cores
   * with the contender; `null` where it cannot be read (see {@link serverCpu}).
   */
  databaseCpuMsPerRequest: number | null;
  /** Statements per request by first SQL keyword (SELECT, UPDATE, INSERT, DELETE, BEGIN, ...). */
  byKind: Record<string, number>;
  /** The statement texts sent during the run, with counts per request (the most frequent first). */
  texts: { sql: string; perRequest: number }[];
}

/** A handle to stop an open-ended run early (`durationSec` is then an upper bound). */
export interface RunningLoad {
  /** Resolves once the load generator has connected and sends requests. */
  started: Promise<void>;
  stop(): void;
  result: Promise<RunResult>;
}

/** Runs autocannon against `contender` and takes the contender's statement counts around it. */
export function startLoad(contender: RunningContender, spec: LoadSpec): RunningLoad {
  let instance: autocannon.Instance | undefined;
  let stopRequested = false;
  let markStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const result = (async () => {
    const before = await contender.settledStats();
    const databaseCpuBefore = serverCpu();
    const latencies: number[] = [];
    let connection = 0;
    const cookies = spec.cookies;
    const cookieForRequest = spec.cookieForRequest;
    const options: autocannon.Options = {
      url: contender.url,
      connections: spec.connections,
      ...(spec.amount === undefined ? { duration: spec.durationSec } : { amount: spec.amount }),
      requests: [
        {
          method: spec.method ?? "GET",
          path: spec.path,
          ...(cookieForRequest
            ? { setupRequest: (request: autocannon.Request) => ({ ...request, headers: { ...request.headers, cookie: cookieForRequest() } }) }
            : {}),
        },
      ],
      ...(cookies && !cookieForRequest
        ? { setupClient: (client: autocannon.Client) => client.setHeaders({ cookie: cookies[connection++ % cookies.length]! }) }
        : {}),
    };
    const finished = new Promise<autocannon.Result>((resolve, reject) => {
      instance = autocannon(options, (error, value) => (error ? reject(error) : resolve(value)));
    });
    // autocannon's own `duration` has a granularity of about a second (3.01 s or 4.03 s for a run of
    // 3.3 s): with a fixed `amount`, that would skew req/s by up to a third. Time the run here.
    let startedAt = 0;
    let lastResponseAt = 0;
    instance!.on("response", (_client, _status, _bytes, responseTime) => {
      latencies.push(responseTime);
      lastResponseAt = performance.now();
    });
    instance!.once("start", () => {
      startedAt = performance.now();
      markStarted();
    });
    if (stopRequested) instance!.stop();
    const run = await finished;
    const after = await contender.settledStats();
    const databaseCpuAfter = serverCpu();
    const served = after.requests - before.requests;
    const statements = after.statements.total - before.statements.total;
    const perRequest = (count: number) => (served === 0 ? 0 : count / served);
    const byKind: Record<string, number> = {};
    for (const [kind, count] of Object.entries(after.statements.byKind)) {
      const delta = count - (before.statements.byKind[kind] ?? 0);
      if (delta > 0) byKind[kind] = perRequest(delta);
    }
    const texts = Object.entries(after.statements.byText)
      .map(([sql, count]) => ({ sql, perRequest: perRequest(count - (before.statements.byText[sql] ?? 0)) }))
      .filter((text) => text.perRequest > 0)
      .sort((a, b) => b.perRequest - a.perRequest);
    const ok = run["2xx"];
    const durationSec = lastResponseAt > startedAt ? (lastResponseAt - startedAt) / 1000 : run.duration;
    latencies.sort((a, b) => a - b);
    return {
      rps: ok / durationSec,
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      ok,
      non2xx: run.non2xx,
      errors: run.errors,
      durationSec,
      served,
      statements,
      statementsPerRequest: perRequest(statements),
      cpuMsPerRequest: perRequest(after.cpuMicros - before.cpuMicros) / 1000,
      databaseCpuMsPerRequest: ((ms) => (ms === null ? null : perRequest(ms)))(cpuBetween(databaseCpuBefore, databaseCpuAfter)),
      byKind,
      texts,
    };
  })();
  result.catch(markStarted);
  return {
    started,
    stop: () => {
      stopRequested = true;
      instance?.stop();
    },
    result,
  };
}

/** Runs a load to completion. */
export function runLoad(contender: RunningContender, spec: LoadSpec): Promise<RunResult> {
  return startLoad(contender, spec).result;
}

/** The value below which `q` of the sorted `values` fall (nearest rank). */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** The median of some numbers (mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Medians of several runs of the same measurement; statement texts from the median-throughput run. */
export function medianRun(runs: readonly RunResult[]): RunResult {
  const pick = (key: "rps" | "p50" | "p99" | "statementsPerRequest" | "cpuMsPerRequest") => median(runs.map((run) => run[key]));
  const byMedianRps = [...runs].sort((a, b) => a.rps - b.rps)[Math.floor(runs.length / 2)]!;
  return {
    ...byMedianRps,
    rps: pick("rps"),
    p50: pick("p50"),
    p99: pick("p99"),
    statementsPerRequest: pick("statementsPerRequest"),
    cpuMsPerRequest: pick("cpuMsPerRequest"),
    databaseCpuMsPerRequest: runs.some((run) => run.databaseCpuMsPerRequest === null)
      ? null
      : median(runs.map((run) => run.databaseCpuMsPerRequest!)),
  };
}
