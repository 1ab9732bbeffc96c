import { inReportOrder, labelOf } from "../contenders.js";
import type { Measurement } from "../bench-context.js";
import { PRUNE_VARIANTS } from "../scenarios/prune.js";
import { THROUGHPUT_SCENARIOS } from "../scenarios/throughput.js";
import { pairedRatio, type BenchResults } from "./results.js";

const rps = (value: number) => Math.round(value).toLocaleString("en");
const ms = (value: number) => value.toFixed(2);
const times = (value: number) => `${value.toFixed(2)}x`;

/** bench/results/latest.md: the tables (with ratios of each sessionrow contender vs every other contender), targets, method. */
export function renderMarkdown(results: BenchResults, chartFile: string, jsonFile: string): string {
  const sessionrows = results.contenders.filter((contender) => contender.kind === "sessionrow");
  const { environment: env, settings } = results;
  const lines: string[] = [];
  lines.push("# sessionrow benchmarks", "");
  if (settings.quick) lines.push("> **Quick run** (validates the harness; too short for conclusions). Run `npm run bench` for real numbers.", "");
  lines.push(
    `Run ${results.date} with \`${results.command}\` in ${Math.round(results.totalSec)} s. Raw data: [${jsonFile}](${jsonFile}).`,
    "",
    `- Machine: ${env.machine.cpu}, ${env.machine.cores} cores, ${env.machine.memoryGiB} GiB, ${env.machine.os}; load average at start ${env.machine.loadAverageAtStart.join(" / ")}`,
    `- Node ${env.node}; ${env.postgres.version.split(" on ")[0]} on loopback (${Object.entries(env.postgres.settings).map(([k, v]) => `${k}=${v}`).join(", ")})`,
    `- sessionrow ${env.sessionrow.version} (${env.sessionrow.commit}); ${Object.entries(env.packages).map(([name, version]) => `${name} ${version}`).join(", ")}`,
    `- ${settings.connections} connections, ${settings.runs} run(s) x ${settings.durationSec} s per contender and scenario after ${settings.warmupSec} s of warm-up; medians of the runs; runs interleaved across contenders, every other round in reverse order, a scenario's target reference between the two sessionrow contenders; a target ratio is the median of the per-round ratios`,
    "",
    `![requests per second](${chartFile})`,
    "",
  );
  if (results.pending.length > 0) {
    lines.push(`Pending (code not in this checkout yet): ${results.pending.map((p) => `${p.label} (missing ${p.missing.join(", ")})`).join("; ")}.`, "");
  }
  if (results.targets.length > 0) {
    lines.push("## Targets (issue 14, and issues 7 and 8)", "", "| Contender | Target | Measured | Met |", "|---|---|---|---|");
    for (const target of results.targets) {
      lines.push(`| ${labelOf(target.contender)} | ${target.target} | ${target.measured} | ${target.met === null ? "n/a" : target.met ? "yes" : "**no**"} |`);
    }
    lines.push("");
  }
  for (const scenario of THROUGHPUT_SCENARIOS) {
    const measured = results.throughput?.[scenario.id];
    if (!measured) continue;
    lines.push(`## ${scenario.title}`, "", `${capitalize(scenario.description)} (\`GET ${scenario.path}\`).`, "");
    lines.push(...table(measured, sessionrows.map((s) => s.name)), "");
  }
  if (results.increments) {
    lines.push(
      "## Concurrent increments (issue 8)",
      "",
      `${settings.connections} connections share one session; each request increments a counter in it. Kept = final counter / 2xx answers (a 409 tells the client its increment failed, so it is neither kept nor lost). Each run sends a fixed number of requests, so none is cut off unanswered. sessionrow's statements/request can fall below 2: its manager coalesces parallel saves of one session within a process into one UPDATE.`,
      "",
      `| Contender | kept | kept increments/s | 2xx/s | non-2xx | p50 ms | p99 ms | statements/request | ${sessionrows.map((s) => `${s.label} kept/s is`).join(" | ")} |`,
      `|---|---:|---:|---:|---:|---:|---:|---:|${sessionrows.map(() => "---:|").join("")}`,
    );
    for (const [name, m] of inReportOrder(results.increments)) {
      const ratios = sessionrows.map((s) => {
        const ours = results.increments?.[s.name];
        return ours && s.name !== name && m.keptPerSec > 0 ? times(ours.keptPerSec / m.keptPerSec) : "";
      });
      lines.push(
        `| ${labelOf(name)} | ${m.keptPercent.toFixed(1)}% | ${rps(m.keptPerSec)} | ${rps(m.median.rps)} | ${m.median.non2xx} | ${ms(m.median.p50)} | ${ms(m.median.p99)} | ${m.median.statementsPerRequest.toFixed(2)} | ${ratios.join(" | ")} |`,
      );
    }
    lines.push("");
  }
  if (results.incrementsFromProcesses) lines.push(...processesSection(results.incrementsFromProcesses), "");
  if (results.scale) {
    lines.push(
      "## Lookup at scale",
      "",
      "Every request presents a different random live session of the whole table (`GET /lookup`: session joined with its user, declared read-only so only the lookup is measured). The small table is in a database of its own on the same server; each round measures both sizes back to back, and p99 vs 10k rows is the median of the per-round ratios.",
      "",
      "| Contender | rows | table + indexes | req/s | p50 ms | p99 ms | statements/request | p99 vs 10k rows |",
      "|---|---:|---:|---:|---:|---:|---:|---:|",
    );
    for (const [name, sizes] of Object.entries(results.scale)) {
      for (const size of sizes) {
        lines.push(
          `| ${labelOf(name)} | ${size.rows.toLocaleString("en")} | ${(size.tableBytes / 2 ** 20).toFixed(0)} MiB | ${rps(size.median.rps)} | ${ms(size.median.p50)} | ${ms(size.median.p99)} | ${size.median.statementsPerRequest.toFixed(2)} | ${times(pairedRatio(size, sizes[0]!, (run) => run.p99)?.ratio ?? Number.NaN)} |`,
        );
      }
    }
    lines.push("");
  }
  if (results.prune) {
    lines.push(
      "## Prune",
      "",
      `\`prune()\` of expired sessions from a separate process (a cron job), while ${settings.connections} connections request random live sessions (\`GET /lookup\` on sessionrow + Prisma). p99 without = median of ${settings.runs} run(s) just before; p99 during = one run as long as the prune.`,
      "",
      "| Variant | rows deleted | total time | rows/s | batch size | batches | statements | p99 without (ms) | p99 during (ms) | during / without | req/s without / during |",
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    );
    for (const p of results.prune) {
      const label = PRUNE_VARIANTS.find((variant) => variant.id === p.variant)?.label ?? p.variant;
      const statements = Object.entries(p.job.byKind).map(([kind, count]) => `${count.toLocaleString("en")} ${kind}`).join(" + ");
      lines.push(
        `| ${label} | ${p.job.deleted.toLocaleString("en")} | ${(p.job.ms / 1000).toFixed(1)} s | ${rps(p.job.deleted / (p.job.ms / 1000))} | ${p.job.batchSize} | ${p.job.batches} | ${statements} | ${ms(p.without.median.p99)} | ${ms(p.during.p99)} | ${times(p.during.p99 / p.without.median.p99)} | ${rps(p.without.median.rps)} / ${rps(p.during.rps)} |`,
      );
    }
    lines.push("");
  }
  lines.push("## Method", "");
  for (const [topic, text] of Object.entries(results.method)) lines.push(`- **${topic}**: ${text}`);
  lines.push("", "### Contenders and their settings", "");
  for (const contender of results.contenders) {
    lines.push(`- **${contender.label}** (\`bench/contenders/${contender.name}.ts\`): \`${JSON.stringify(contender.settings ?? {})}\``);
  }
  lines.push("");
  return lines.join("\n");
}

/** The section of the increments from several processes, with each contender's ratio to raw jsonb_set. */
function processesSection(measured: NonNullable<BenchResults["incrementsFromProcesses"]>): string[] {
  const processes = Object.values(measured)[0]?.processes;
  const raw = measured["raw-jsonb-set"];
  const lines = [
    `## Increments on one session from ${processes} processes (issue 14)`,
    "",
    `${processes} processes of each contender increment ONE session at once, 1 connection each: ${processes} concurrent requests on one session, no two in the same process (so a sessionrow manager cannot coalesce them). Kept = final counter / 2xx answers; kept increments/s = final counter / the run's length. Each process is sent a fixed number of requests, so none is cut off unanswered. Statements/request: the processes' statements / their requests. The raw jsonb_set reference is one atomic \`UPDATE ... jsonb_set\` per increment and nothing else, the floor of an increment that is never lost. non-2xx: all runs.`,
    "",
    "| Contender | kept increments/s | kept | non-2xx | statements/request | by kind | vs raw jsonb_set |",
    "|---|---:|---:|---:|---:|---|---:|",
  ];
  for (const [name, m] of inReportOrder(measured)) {
    const non2xx = m.runs.reduce((total, run) => total + run.non2xx, 0);
    const errors = m.runs.reduce((total, run) => total + run.errors, 0);
    lines.push(
      `| ${labelOf(name)} | ${rps(m.keptPerSec)} | ${m.keptPercent.toFixed(1)}% | ${non2xx}${errors > 0 ? ` (${errors} errors)` : ""} | ${m.statementsPerRequest.toFixed(2)} | ${byKindText(m.byKind)} | ${raw ? times(m.keptPerSec / raw.keptPerSec) : ""} |`,
    );
  }
  return lines;
}

function table(measured: Record<string, Measurement>, sessionrows: string[]): string[] {
  const lines = [
    `| Contender | req/s | p50 ms | p99 ms | statements/request | by kind | CPU ms/request | database CPU ms/request | ${sessionrows.map((name) => `${labelOf(name)} is`).join(" | ")} |`,
    `|---|---:|---:|---:|---:|---|---:|---:|${sessionrows.map(() => "---:|").join("")}`,
  ];
  for (const [name, m] of inReportOrder(measured)) {
    const byKind = byKindText(m.median.byKind);
    const ratios = sessionrows.map((ours) => (measured[ours] && ours !== name ? times(measured[ours]!.median.rps / m.median.rps) : ""));
    const failed = m.median.non2xx + m.median.errors > 0 ? ` (${m.median.non2xx} non-2xx, ${m.median.errors} errors)` : "";
    lines.push(
      `| ${labelOf(name)} | ${rps(m.median.rps)}${failed} | ${ms(m.median.p50)} | ${ms(m.median.p99)} | ${m.median.statementsPerRequest.toFixed(2)} | ${byKind} | ${m.median.cpuMsPerRequest.toFixed(3)} | ${m.median.databaseCpuMsPerRequest?.toFixed(3) ?? "-"} | ${ratios.join(" | ")} |`,
    );
  }
  return lines;
}

/** Statements per request by kind, the most frequent first: "1 SELECT + 0.250 UPDATE". */
function byKindText(byKind: Record<string, number>): string {
  const parts = Object.entries(byKind)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, count]) => `${count.toFixed(count % 1 === 0 ? 0 : 3)} ${kind}`);
  return parts.join(" + ") || "none";
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
