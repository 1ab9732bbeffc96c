import { parseArgs } from "node:util";

/** What a bench run does; every field is recorded with the results. */
export interface BenchSettings {
  /** Seconds per measured run. */
  durationSec: number;
  /** Measured runs per contender and scenario; results are their medians. */
  runs: number;
  /** Seconds of unmeasured load before a contender's first run of a scenario. */
  warmupSec: number;
  /** Concurrent keep-alive connections (autocannon `connections`). */
  connections: number;
  /** Rows in the large table of the lookup scenario (the small one has 10,000). */
  scaleRows: number;
  /** Expired rows pruned in the prune scenario. */
  pruneRows: number;
  /** Live sessions the concurrent requests use during the prune scenario. */
  pruneLiveRows: number;
  /** Also prune with the plain-SQL reference (one DELETE ... IN (SELECT ... LIMIT n) per batch). */
  pruneReference: boolean;
  /** Parts to run. */
  parts: readonly Part[];
  /** Throughput scenarios to run (all when empty). */
  scenarios: readonly string[];
  /** Contender names to run (all available ones when empty). */
  contenders: readonly string[];
  /** PostgreSQL server; the bench database is created (and dropped first) on it. */
  serverUrl: string;
  /** Name of the bench database. */
  database: string;
  /** Where results are written. */
  outDir: string;
  /** Write a V8 CPU profile of every contender process here (node --cpu-prof); see bench/profile-summary.ts. */
  profileDir?: string;
  quick: boolean;
}

export const PARTS = ["throughput", "increments", "increments-10p", "scale", "prune"] as const;
export type Part = (typeof PARTS)[number];

const USAGE = `npm run bench -- [options]     (or: npx tsx bench/run.ts [options])

  --duration <s>     seconds per measured run (default 5)
  --runs <n>         runs per contender and scenario, reported as medians (default 5)
  --warmup <s>       unmeasured seconds before each contender's first run (default 2)
  --connections <n>  concurrent connections (default 10)
  --scale-rows <n>   rows in the large lookup table (default 1000000)
  --prune-rows <n>   expired rows to prune (default 1000000)
  --prune-reference  also run the prune scenario with a plain-SQL reference (one statement per batch)
  --only <parts>     comma-separated: ${PARTS.join(",")} (default all);
                     increments-10p = increments on one session from 10 processes per contender
  --contenders <names>  comma-separated contender names (default all available)
  --scenarios <ids>  comma-separated throughput scenarios: read,change,anonymous (default all)
  --quick            1 run x 2 s, 1 s warm-up, 100,000-row scale and prune (validates the harness)
  --database <name>  bench database, dropped and recreated (default sessionrow_bench)
  --out <dir>        results directory (default bench/results)
  --profile <dir>    CPU profiles of the contender processes in <dir>/<contender>/ (the largest file is the main
                     thread; summarize it with: npx tsx bench/profile-summary.ts <file>)

The PostgreSQL server is BENCH_SERVER_URL, else DATABASE_URL's server, else postgresql://postgres@127.0.0.1:5432/postgres.`;

/** Reads the command line. Exits with the usage text on --help or a bad option. */
export function parseSettings(argv: readonly string[]): BenchSettings {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      duration: { type: "string" },
      runs: { type: "string" },
      warmup: { type: "string" },
      connections: { type: "string" },
      "scale-rows": { type: "string" },
      "prune-rows": { type: "string" },
      "prune-reference": { type: "boolean", default: false },
      only: { type: "string" },
      contenders: { type: "string" },
      scenarios: { type: "string" },
      quick: { type: "boolean", default: false },
      database: { type: "string" },
      out: { type: "string" },
      profile: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = values.quick ?? false;
  const number = (value: string | undefined, fallback: number, name: string): number => {
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed <= 0) {
      console.error(`--${name} must be a positive number\n\n${USAGE}`);
      process.exit(2);
    }
    return parsed;
  };
  const parts = (values.only?.split(",").map((part) => part.trim()) ?? [...PARTS]) as Part[];
  for (const part of parts) {
    if (!PARTS.includes(part)) {
      console.error(`unknown part "${part}"\n\n${USAGE}`);
      process.exit(2);
    }
  }
  return {
    durationSec: number(values.duration, quick ? 2 : 5, "duration"),
    runs: Math.round(number(values.runs, quick ? 1 : 5, "runs")),
    warmupSec: number(values.warmup, quick ? 1 : 2, "warmup"),
    connections: Math.round(number(values.connections, 10, "connections")),
    scaleRows: Math.round(number(values["scale-rows"], quick ? 100_000 : 1_000_000, "scale-rows")),
    pruneRows: Math.round(number(values["prune-rows"], quick ? 100_000 : 1_000_000, "prune-rows")),
    pruneLiveRows: 10_000,
    pruneReference: values["prune-reference"] ?? false,
    parts,
    contenders: values.contenders?.split(",").map((name) => name.trim()) ?? [],
    scenarios: values.scenarios?.split(",").map((name) => name.trim()) ?? [],
    serverUrl: serverUrl(),
    database: values.database ?? "sessionrow_bench",
    outDir: values.out ?? "bench/results",
    ...(values.profile === undefined ? {} : { profileDir: values.profile }),
    quick,
  };
}

function serverUrl(): string {
  if (process.env.BENCH_SERVER_URL) return process.env.BENCH_SERVER_URL;
  if (process.env.DATABASE_URL) {
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = "/postgres";
    return url.toString();
  }
  return "postgresql://postgres@127.0.0.1:5432/postgres";
}
