import type { EnvironmentInfo } from "../environment-info.js";
import type { ProcessesIncrementsMeasurement } from "../scenarios/increments-processes.js";
import type { IncrementsMeasurement } from "../scenarios/increments.js";
import type { PruneMeasurement } from "../scenarios/prune.js";
import type { ScaleResults } from "../scenarios/scale.js";
import { THROUGHPUT_SCENARIOS, type ThroughputResults } from "../scenarios/throughput.js";
import type { Measurement } from "../bench-context.js";
import { median } from "../load.js";
import type { BenchSettings } from "../settings.js";

/** Everything a bench run writes to bench/results/<date>.json. */
export interface BenchResults {
  /** ISO time the run started. */
  date: string;
  command: string;
  totalSec: number;
  environment: EnvironmentInfo;
  settings: Omit<BenchSettings, "serverUrl">;
  method: Record<string, string>;
  contenders: { name: string; label: string; kind: string; settings?: Record<string, unknown> }[];
  /** Contenders whose code is not in this checkout yet. */
  pending: { name: string; label: string; missing: string[] }[];
  throughput?: ThroughputResults;
  increments?: Record<string, IncrementsMeasurement>;
  /** Increments on one session from several processes per contender (`--only increments-10p`). */
  incrementsFromProcesses?: Record<string, ProcessesIncrementsMeasurement>;
  scale?: ScaleResults;
  prune?: PruneMeasurement[];
  targets: Target[];
}

/** One of the issues' targets (7, 8, 14) for one sessionrow contender. */
export interface Target {
  contender: string;
  target: string;
  measured: string;
  /** `null` when a number it needs was not measured in this run. */
  met: boolean | null;
}

const near = (value: number | undefined, expected: number) => value !== undefined && Math.abs(value - expected) < 0.01;

/** A ratio with 2 decimals, or 3 where 2 would round it onto the threshold it is compared with (0.997 is not 1.00x). */
const ratioText = (value: number, threshold: number) => `${value.toFixed(Math.abs(value - threshold) < 0.005 ? 3 : 2)}x`;

/**
 * Evaluates the targets of issue 14 (speed against the floor and the peers), issue 7 (reads,
 * statements, scale, prune) and issue 8 (no lost increment) for every sessionrow contender measured.
 */
export function evaluateTargets(results: Omit<BenchResults, "targets">): Target[] {
  const targets: Target[] = [];
  const sessionrows = results.contenders.filter((contender) => contender.kind === "sessionrow").map((contender) => contender.name);
  for (const name of sessionrows) {
    const read = results.throughput?.read;
    const ours = read?.[name]?.median;
    const ratio = (peer: string, factor: number, text: string, scenario: keyof ThroughputResults = "read") => {
      const mine = results.throughput?.[scenario]?.[name];
      const theirs = results.throughput?.[scenario]?.[peer];
      const value = mine && theirs ? pairedRatio(mine, theirs) : undefined;
      targets.push({
        contender: name,
        target: text,
        measured:
          value === undefined
            ? "not measured"
            : `${ratioText(value.ratio, factor)} (median of ${value.rounds.length} rounds: ${value.rounds.map((r) => r.toFixed(2)).join(", ")}; ` +
              `medians ${mine!.median.rps.toFixed(0)} vs ${theirs!.median.rps.toFixed(0)} req/s)`,
        met: value === undefined ? null : value.ratio >= factor,
      });
    };
    // Issue 14's targets, each against the reference its scenario runs between the sessionrow contenders.
    const reference = (scenario: keyof ThroughputResults) => THROUGHPUT_SCENARIOS.find((s) => s.id === scenario)!.targetReference;
    ratio(reference("read"), 0.8, "issue 14: authenticated read >= 0.8x the raw single-SELECT floor");
    ratio(reference("change"), 1, "issue 14: changed session >= 1.0x express-session + connect-pg-simple", "change");
    ratio(reference("anonymous"), 1, "issue 14: new anonymous session >= 1.0x express-session + connect-pg-simple", "anonymous");
    ratio("express-session-pg-simple", 1, "read-only request >= express-session + connect-pg-simple");
    ratio("express-session-prisma", 2, "read-only request >= 2x express-session + prisma-session-store");
    targets.push({
      contender: name,
      target: "read-only request: exactly 1 statement when no touch is due",
      measured: ours ? kinds(ours.statementsPerRequest, ours.byKind) : "not measured",
      met: ours ? near(ours.byKind.SELECT, 1) && ours.statementsPerRequest - (ours.byKind.UPDATE ?? 0) < 1.001 : null,
    });
    const change = results.throughput?.change?.[name]?.median;
    targets.push({
      contender: name,
      target: "changed session: 1 read + 1 version-checked UPDATE",
      measured: change ? kinds(change.statementsPerRequest, change.byKind) : "not measured",
      met: change ? near(change.byKind.SELECT, 1) && near(change.byKind.UPDATE, 1) && near(change.statementsPerRequest, 2) : null,
    });
    const scale = results.scale?.[name];
    const small = scale?.[0];
    const large = scale?.[scale.length - 1];
    const lookup = small && large && large !== small ? pairedRatio(large, small, (run) => run.p99) : undefined;
    targets.push({
      contender: name,
      target: "lookup p99 at 1M rows <= 1.2x at 10k rows",
      measured: lookup
        ? `${ratioText(lookup.ratio, 1.2)} (median of ${lookup.rounds.length} rounds: ${lookup.rounds.map((r) => r.toFixed(2)).join(", ")}; ` +
          `medians ${large!.median.p99.toFixed(2)} ms at ${large!.rows.toLocaleString("en")} vs ${small!.median.p99.toFixed(2)} ms at ${small!.rows.toLocaleString("en")})`
        : "not measured",
      met: lookup ? lookup.ratio <= 1.2 : null,
    });
    const prune = results.prune?.find((measurement) => measurement.variant === name);
    targets.push({
      contender: name,
      target: "issue 14: prune of 1M rows raises concurrent p99 by <= 1.5x",
      measured: prune
        ? `${(prune.during.p99 / prune.without.median.p99).toFixed(2)}x (${prune.during.p99.toFixed(2)} vs ${prune.without.median.p99.toFixed(2)} ms; ${prune.job.deleted.toLocaleString("en")} rows in ${(prune.job.ms / 1000).toFixed(1)} s)`
        : "not measured",
      met: prune ? prune.during.p99 <= 1.5 * prune.without.median.p99 : null,
    });
    const increments = results.increments?.[name];
    targets.push({
      contender: name,
      target: "issues 8 and 14: increments on one session (10 connections, one process): 100% kept, 0 non-2xx",
      measured: increments
        ? `${increments.keptPercent.toFixed(1)}% kept, ${increments.keptPerSec.toFixed(0)} increments/s, ` +
          `${increments.counters.reduce((sum, counter) => sum + counter.non2xx, 0)} non-2xx, ${increments.median.statementsPerRequest.toFixed(2)} statements/request`
        : "not measured",
      met: increments ? increments.counters.every((counter) => counter.count === counter.ok && counter.non2xx === 0) : null,
    });
    targets.push(processesTarget(name, results.incrementsFromProcesses));
  }
  return targets;
}

/**
 * The ratio of two measurements' requests/s (or another `metric`), round by round (run 1 against
 * run 1, ...), and its median: runs of one round are seconds apart, so a machine whose speed drifts
 * over minutes skews a round's ratio far less than it skews the ratio of the two medians.
 */
export function pairedRatio(
  mine: Measurement,
  theirs: Measurement,
  metric: (run: Measurement["runs"][number]) => number = (run) => run.rps,
): { ratio: number; rounds: number[] } | undefined {
  const rounds: number[] = [];
  for (let index = 0; index < Math.min(mine.runs.length, theirs.runs.length); index++) {
    const [ours, peers] = [metric(mine.runs[index]!), metric(theirs.runs[index]!)];
    // A round in which either side served nothing (a failed run) has no ratio.
    if (ours > 0 && peers > 0) rounds.push(ours / peers);
  }
  return rounds.length === 0 ? undefined : { ratio: median(rounds), rounds };
}

/**
 * Issue 14's cross-process target: every increment from 10 processes kept, no failed request, and
 * kept increments/s at least half the raw jsonb_set reference's (medians).
 */
function processesTarget(name: string, measured: BenchResults["incrementsFromProcesses"]): Target {
  const target = "issue 14: increments on one session from 10 processes: 100% kept, 0 non-2xx, >= 0.5x the raw jsonb_set throughput";
  const ours = measured?.[name];
  const raw = measured?.["raw-jsonb-set"];
  if (!ours || !raw) return { contender: name, target, measured: "not measured", met: null };
  const ratio = ours.keptPerSec / raw.keptPerSec;
  const non2xx = ours.runs.reduce((total, run) => total + run.non2xx, 0);
  const errors = ours.runs.reduce((total, run) => total + run.errors, 0);
  return {
    contender: name,
    target,
    measured:
      `${ratioText(ratio, 0.5)} (${ours.keptPerSec.toFixed(0)} vs ${raw.keptPerSec.toFixed(0)} kept increments/s), ${ours.keptPercent.toFixed(1)}% kept, ` +
      `${non2xx} non-2xx${errors > 0 ? `, ${errors} errors` : ""}, statements/request ${kinds(ours.statementsPerRequest, ours.byKind)}`,
    met: ratio >= 0.5 && non2xx === 0 && errors === 0 && ours.runs.every((run) => run.count === run.ok),
  };
}

function kinds(total: number, byKind: Record<string, number>): string {
  const parts = Object.entries(byKind)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, count]) => `${kind} ${count.toFixed(3)}`);
  return `${total.toFixed(3)} (${parts.join(", ")})`;
}
