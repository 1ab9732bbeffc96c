/**
 * `npm run bench`: sessionrow against express-session + its PostgreSQL stores, side by side on the
 * same local PostgreSQL. See bench/README.md. `--help` lists the options.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import type { BenchContext } from "./bench-context.js";
import { CONTENDERS, isAvailable } from "./contenders.js";
import { resetBenchDatabase, withClient } from "./database.js";
import { environmentInfo } from "./environment-info.js";
import { evaluateTargets, type BenchResults } from "./report/results.js";
import { writeReports } from "./report/write-reports.js";
import { runIncrementsFromProcesses } from "./scenarios/increments-processes.js";
import { runIncrements } from "./scenarios/increments.js";
import { runPrune } from "./scenarios/prune.js";
import { runScale } from "./scenarios/scale.js";
import { runThroughput } from "./scenarios/throughput.js";
import { parseSettings } from "./settings.js";

const SECRET = "sessionrow-bench-secret-not-for-production-use";

const METHOD: Record<string, string> = {
  processes:
    "each contender is an Express 5 app in its own Node process on 127.0.0.1 (forked from bench/contender-process.ts); autocannon (programmatic API) runs in the parent process; PostgreSQL is the same server and database for everyone",
  routes:
    "one routes file (bench/routes.ts) for every contender over a small adapter (login/get/set/increment/user) written in each library's idiomatic way; the user row is read with the same ORM or driver as the store",
  statements:
    "counted in each contender process by wrapping pg.Client.prototype.query (every contender reaches PostgreSQL through the same pg package: @prisma/adapter-pg, TypeORM's postgres driver, connect-pg-simple, raw pg), including BEGIN/COMMIT; per request = statements / requests received in the run's window, taken once every request has finished (pg_stat_statements would need shared_preload_libraries and a server restart)",
  latency:
    "p50/p99 from every response's own timing (autocannon's `response` event, sub-millisecond), not autocannon's whole-millisecond histogram",
  ratios: "'X is' columns: X's requests/s divided by that row's requests/s (above 1: X is faster)",
  cpu: "CPU ms/request: user + system CPU time of the contender's process (process.cpuUsage) per request; the database's CPU is not included. Much steadier than requests/s when other work shares the machine. Database CPU ms/request: user + system CPU time of the PostgreSQL server's processes (from /proc, a server on this machine) per request of the run",
  references:
    "baseline = the same Express app without sessions (ceiling); raw pg = one SELECT by primary key of sessionrow's row joined with its user, plain pg.Pool, no signature check or expiry logic (floor); Prisma / TypeORM floor = that same joined SELECT through the ORM as sessionrow's store sends it, with no session logic (the best sessionrow + that ORM could do); raw jsonb_set = one atomic UPDATE ... jsonb_set per increment of a bulk-inserted sessionrow row named by its cookie, plain pg.Pool (the 10-process increments scenario only: the floor of an increment that is never lost)",
  sessionrow:
    "preloadUser: true (session and user in one JOINed statement), default idleTimeout 30 min, touchAfter 1 min; a logged-in session is touched at most once a minute, so a read-only run shows that touch as a fraction of an UPDATE per request",
  peers:
    "express-session 1.x with resave: false, saveUninitialized: false (its and the stores' recommended production settings), cookie.maxAge 30 min; store options from each store's README",
  anonymous:
    "an empty new session is stored by no contender, so the anonymous request stores one key (cart) to measure session creation",
};

async function main(): Promise<void> {
  const started = Date.now();
  const settings = parseSettings(process.argv.slice(2));
  const log = (message: string) => console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}`);
  generatePrismaClients();
  const selected = CONTENDERS.filter((contender) => settings.contenders.length === 0 || settings.contenders.includes(contender.name));
  const contenders = selected.filter(isAvailable);
  const pending = selected
    .filter((contender) => !isAvailable(contender))
    .map((contender) => ({ name: contender.name, label: contender.label, missing: (contender.requires ?? []).filter((file) => !existsSync(file)) }));
  for (const p of pending) log(`pending: ${p.label} (missing ${p.missing.join(", ")})`);

  log(`resetting database ${settings.database}`);
  const databaseUrl = await resetBenchDatabase(settings.serverUrl, settings.database);
  const environment = await environmentInfo(databaseUrl);
  log(`${environment.machine.cpu} x ${environment.machine.cores}, Node ${environment.node}, load average ${environment.machine.loadAverageAtStart.join(" ")}`);
  const context: BenchContext = { settings, databaseUrl, secret: SECRET, contenders, contenderSettings: {}, log };
  const parts = new Set(settings.parts);
  const throughput = parts.has("throughput") ? await runThroughput(context) : undefined;
  const increments = parts.has("increments") ? await runIncrements(context) : undefined;
  const incrementsFromProcesses = parts.has("increments-10p") ? await runIncrementsFromProcesses(context) : undefined;
  const scale = parts.has("scale") ? await runScale(context) : undefined;
  const prune = parts.has("prune") ? await runPrune(context) : undefined;
  await withClient(settings.serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${settings.database}" WITH (FORCE)`));

  const { serverUrl: _serverUrl, ...recordedSettings } = settings;
  const partial: Omit<BenchResults, "targets"> = {
    date: new Date(started).toISOString(),
    command: `npx tsx bench/run.ts ${process.argv.slice(2).join(" ")}`.trim(),
    totalSec: (Date.now() - started) / 1000,
    environment,
    settings: recordedSettings,
    method: METHOD,
    contenders: contenders.map((contender) => ({ ...contender, settings: context.contenderSettings[contender.name] })),
    pending,
    ...(throughput ? { throughput } : {}),
    ...(increments ? { increments } : {}),
    ...(incrementsFromProcesses ? { incrementsFromProcesses } : {}),
    ...(scale ? { scale } : {}),
    ...(prune ? { prune } : {}),
  };
  const results: BenchResults = { ...partial, targets: evaluateTargets(partial) };
  mkdirSync(settings.outDir, { recursive: true });
  const jsonFile = writeReports(results, settings.outDir);
  log(`wrote ${path.join(settings.outDir, jsonFile)}, latest.md, latest.svg`);
  for (const target of results.targets) {
    log(`target ${target.met === null ? "n/a" : target.met ? "met   " : "MISSED"} ${target.contender}: ${target.target}: ${target.measured}`);
  }
}

/** The app's client (generated/prisma) when missing, and the bench-only client for prisma-session-store. */
function generatePrismaClients(): void {
  const schemas = [...(existsSync("generated/prisma/client.ts") ? [] : ["prisma/schema.prisma"]), "bench/prisma/schema.prisma"];
  const result = spawnSync(process.execPath, ["scripts/prisma-generate.mjs", ...schemas], { stdio: ["ignore", "ignore", "inherit"] });
  if (result.status !== 0) throw new Error(`prisma generate failed (${schemas.join(", ")})`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
