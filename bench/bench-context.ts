import type { ContenderInfo } from "./contenders.js";
import type { RunResult } from "./load.js";
import type { BenchSettings } from "./settings.js";

/** What every part of a bench run gets. */
export interface BenchContext {
  settings: BenchSettings;
  databaseUrl: string;
  secret: string;
  /** The contenders to run (available and selected), in report order. */
  contenders: readonly ContenderInfo[];
  /** Contender settings reported by their processes, collected for the results. */
  contenderSettings: Record<string, Record<string, unknown>>;
  log(message: string): void;
}

/** A measured scenario of one contender: the medians, and each run's headline numbers. */
export interface Measurement {
  median: RunResult;
  runs: Pick<RunResult, "rps" | "p50" | "p99" | "statementsPerRequest" | "cpuMsPerRequest" | "databaseCpuMsPerRequest" | "ok" | "non2xx" | "errors">[];
}

/** The headline numbers of a run, for the results file. */
export function headline(run: RunResult): Measurement["runs"][number] {
  const { rps, p50, p99, statementsPerRequest, cpuMsPerRequest, databaseCpuMsPerRequest, ok, non2xx, errors } = run;
  return { rps, p50, p99, statementsPerRequest, cpuMsPerRequest, databaseCpuMsPerRequest, ok, non2xx, errors };
}
