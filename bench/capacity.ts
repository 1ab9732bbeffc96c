/**
 * `npx tsx bench/capacity.ts`: the measured figures behind docs/scaling.md's capacity model, on the local
 * PostgreSQL (BENCH_SERVER_URL, else DATABASE_URL's server, else 127.0.0.1:5432), in a database of its own
 * (`sessionrow_capacity`, dropped and recreated):
 *   1. per request kind and ORM: statements, bytes each way, app and database CPU, WAL bytes;
 *   2. the "Session" table of prisma/migrations with 1M realistic rows: heap, TOAST and index sizes;
 *   3. prune(): rows/s on 1M expired rows, with each ORM; the VACUUM after it; DETACH + DROP of a partition;
 *   4. a touch UPDATE with and without the `expiresAt` index (HOT share, WAL bytes).
 * Options: --rows N (default 1000000), --requests N per run (default 2000), --runs N (default 3).
 * Writes bench/results/capacity.json and prints the tables as Markdown.
 */
import "./capacity/wire-meter.js";
import { writeFileSync } from "node:fs";
import os from "node:os";
import { measureRequestCosts, REQUEST_KINDS, type RequestCost } from "./capacity/request-costs.js";
import { measurePartitionDrop, measurePrune, type PartitionDrop, type PruneRun } from "./capacity/prune-throughput.js";
import { fillAndMeasure, lookupBuffers, type TableSize } from "./capacity/table-size.js";
import { measureTouchIndexCost, type TouchCost } from "./capacity/touch-index-cost.js";
import { loadSessions, resetBenchDatabase, withClient } from "./database.js";
import { environmentInfo } from "./environment-info.js";
import { parseSettings } from "./settings.js";
import { statementCounts } from "./statement-counter.js";

const SECRET = "sessionrow-capacity-secret-not-for-production-use";
const DATABASE = "sessionrow_capacity";

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
}

async function main(): Promise<void> {
  const started = Date.now();
  const log = (message: string) => console.error(`[capacity ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}`);
  const rows = option("rows", 1_000_000);
  const requests = option("requests", 2000);
  const runs = option("runs", 3);
  const { serverUrl } = parseSettings([]);

  const databaseUrl = await resetBenchDatabase(serverUrl, DATABASE);
  const environment = await environmentInfo(databaseUrl);
  // Each measured request uses a bulk-loaded session of its own: 2 ORMs x every kind x (warm-up + runs).
  const sessionsNeeded = 2 * REQUEST_KINDS.length * (200 + runs * requests);
  await loadSessions(databaseUrl, [{ from: 1, to: sessionsNeeded, state: "live" }]);
  log(`${sessionsNeeded} sessions loaded for the request costs`);
  const costs = await measureRequestCosts({ databaseUrl, secret: SECRET, requests, runs, concurrency: 10, firstSession: 1, log });

  const { size, lookup } = await withClient(databaseUrl, async (client) => {
    await client.query('TRUNCATE "Session"');
    const size = await fillAndMeasure(client, rows, 1);
    log(`${size.rows} rows inserted in ${size.insertSeconds.toFixed(1)} s: ${mib(size.totalBytes)} MiB in all`);
    return { size, lookup: await lookupBuffers(client) };
  });

  const prune = await measurePrune(databaseUrl, SECRET, rows, log);
  const partition = await measurePartitionDrop(databaseUrl, rows);
  log(`DETACH + DROP of a ${rows}-row partition: ${partition.detachAndDropMs.toFixed(0)} ms`);
  const touch = await measureTouchIndexCost(databaseUrl);
  for (const t of touch) log(`touch ${t.expiresAtIndex ? "with" : "without"} the expiresAt index: ${(t.hotShare * 100).toFixed(0)}% HOT, ${t.walBytesPerUpdate.toFixed(0)} B WAL/update`);

  // Every distinct statement text sent (the request kinds, the prunes; the loaders' SQL too), with counts.
  const statementTexts = statementCounts().byText;
  const results = { date: new Date().toISOString(), environment, machine: `${os.cpus()[0]?.model} x ${os.cpus().length}`, costs, size, lookup, prune, partition, touch, statementTexts };
  writeFileSync("bench/results/capacity.json", `${JSON.stringify(results, null, 2)}\n`);
  console.log(render(costs, size, lookup, prune, partition, touch));
  await withClient(serverUrl, (client) => client.query(`DROP DATABASE "${DATABASE}" WITH (FORCE)`));
  log("done; raw figures in bench/results/capacity.json");
}

function mib(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

function render(
  costs: RequestCost[],
  size: TableSize,
  lookup: { buffers: number; executionMs: number },
  prune: PruneRun[],
  partition: PartitionDrop,
  touch: TouchCost[],
): string {
  const perMillion = (bytes: number) => mib((bytes * 1_000_000) / size.rows);
  return [
    "| ORM | request | statements | by kind | bytes sent | bytes received | app CPU ms | database CPU ms | WAL bytes | req/s (10 in flight) |",
    "|---|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ...costs.map(
      (c) =>
        `| ${c.orm} | ${c.kind} | ${c.statements.toFixed(2)} | ${c.byKind} | ${c.bytesSent.toFixed(0)} | ${c.bytesReceived.toFixed(0)} | ` +
        `${c.appCpuMs.toFixed(3)} | ${c.databaseCpuMs === null ? "n/a" : c.databaseCpuMs.toFixed(3)} | ${c.walBytes.toFixed(0)} | ${c.requestsPerSecond.toFixed(0)} |`,
    ),
    "",
    `| relation (${size.rows.toLocaleString("en")} rows, inserted in ${size.insertSeconds.toFixed(0)} s) | MiB | MiB per million rows | bytes per row |`,
    "|---|---:|---:|---:|",
    `| heap | ${mib(size.heapBytes)} | ${perMillion(size.heapBytes)} | ${(size.heapBytes / size.rows).toFixed(0)} |`,
    `| TOAST | ${mib(size.toastBytes)} | ${perMillion(size.toastBytes)} | ${(size.toastBytes / size.rows).toFixed(0)} |`,
    ...Object.entries(size.indexBytes).map(([name, bytes]) => `| index ${name} | ${mib(bytes)} | ${perMillion(bytes)} | ${(bytes / size.rows).toFixed(0)} |`),
    `| total | ${mib(size.totalBytes)} | ${perMillion(size.totalBytes)} | ${(size.totalBytes / size.rows).toFixed(0)} |`,
    "",
    `Lookup by id joined with the user at ${size.rows.toLocaleString("en")} rows: ${lookup.buffers} buffers, ${lookup.executionMs.toFixed(3)} ms (EXPLAIN ANALYZE).`,
    "",
    "| ORM | rows pruned | batch | seconds | rows/s | dead rows after | MiB before VACUUM | VACUUM s | MiB after VACUUM |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...prune.map(
      (p) =>
        `| ${p.orm} | ${p.rows} | ${p.batchSize} | ${p.seconds.toFixed(1)} | ${p.rowsPerSecond.toFixed(0)} | ${p.deadRowsAfter} | ${mib(p.bytesBeforeVacuum)} | ${p.vacuumSeconds.toFixed(1)} | ${mib(p.bytesAfterVacuum)} |`,
    ),
    "",
    `DETACH PARTITION + DROP TABLE of one partition holding ${partition.rows.toLocaleString("en")} rows: ${partition.detachAndDropMs.toFixed(0)} ms.`,
    "",
    "| touch UPDATE | updates | HOT | WAL bytes/update | database CPU ms/update |",
    "|---|---:|---:|---:|---:|",
    ...touch.map(
      (t) =>
        `| ${t.expiresAtIndex ? "with" : "without"} the expiresAt index | ${t.updates} | ${(t.hotShare * 100).toFixed(0)}% | ${t.walBytesPerUpdate.toFixed(0)} | ${t.databaseCpuMsPerUpdate?.toFixed(3) ?? "n/a"} |`,
    ),
  ].join("\n");
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
