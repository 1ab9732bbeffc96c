import { CONTENDERS, inReportOrder, labelOf } from "../contenders.js";
import { THROUGHPUT_SCENARIOS } from "../scenarios/throughput.js";
import type { BenchResults } from "./results.js";

interface Panel {
  title: string;
  unit: string;
  bars: { name: string; value: number; note?: string }[];
}

const COLORS: Record<string, string> = { sessionrow: "#0f766e", variant: "#5eead4", peer: "#64748b", reference: "#cbd5e1" };
const WIDTH = 920;
const LABEL_WIDTH = 290;
const VALUE_WIDTH = 220;
const BAR_HEIGHT = 18;
const BAR_GAP = 6;

/** bench/results/latest.svg: one horizontal bar panel per scenario (each with its own scale), drawn from the numbers. */
export function renderChart(results: BenchResults): string {
  const panels: Panel[] = [];
  for (const scenario of THROUGHPUT_SCENARIOS) {
    const measured = results.throughput?.[scenario.id];
    if (!measured) continue;
    panels.push({
      title: `${scenario.title}: requests/s (median)`,
      unit: "req/s",
      bars: inReportOrder(measured).map(([name, m]) => ({ name, value: m.median.rps, note: `${m.median.statementsPerRequest.toFixed(2)} stmt/req` })),
    });
  }
  if (results.increments) {
    panels.push({
      title: `${results.settings.connections} parallel increments on one session: kept increments/s`,
      unit: "kept/s",
      bars: inReportOrder(results.increments).map(([name, m]) => ({ name, value: m.keptPerSec, note: `${m.keptPercent.toFixed(0)}% kept` })),
    });
  }
  if (results.incrementsFromProcesses) {
    const processes = Object.values(results.incrementsFromProcesses)[0]?.processes;
    panels.push({
      title: `Increments on one session from ${processes} processes: kept increments/s`,
      unit: "kept/s",
      bars: inReportOrder(results.incrementsFromProcesses).map(([name, m]) => ({ name, value: m.keptPerSec, note: `${m.keptPercent.toFixed(0)}% kept` })),
    });
  }
  let y = 40;
  const body: string[] = [];
  for (const panel of panels) {
    body.push(`<text x="10" y="${y}" class="title">${escape(panel.title)}</text>`);
    y += 12;
    const max = Math.max(...panel.bars.map((bar) => bar.value), 1);
    for (const bar of panel.bars) {
      const kind = CONTENDERS.find((contender) => contender.name === bar.name)?.kind ?? "peer";
      const width = Math.max(1, ((WIDTH - LABEL_WIDTH - VALUE_WIDTH) * bar.value) / max);
      const middle = y + BAR_HEIGHT / 2 + 4;
      body.push(
        `<text x="${LABEL_WIDTH - 8}" y="${middle}" text-anchor="end">${escape(labelOf(bar.name, true))}</text>`,
        `<rect x="${LABEL_WIDTH}" y="${y}" width="${width.toFixed(1)}" height="${BAR_HEIGHT}" fill="${COLORS[kind]}"/>`,
        `<text x="${(LABEL_WIDTH + width + 6).toFixed(1)}" y="${middle}">${Math.round(bar.value).toLocaleString("en")} ${panel.unit}${bar.note ? ` · ${escape(bar.note)}` : ""}</text>`,
      );
      y += BAR_HEIGHT + BAR_GAP;
    }
    y += 28;
  }
  const env = results.environment;
  const caption = `${env.machine.cpu}, ${env.machine.cores} cores · Node ${env.node} · ${env.postgres.version.split(" (")[0]} · ${results.date.slice(0, 10)}${results.settings.quick ? " · QUICK RUN" : ""}`;
  const height = y + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">`,
    "<style>.title{font-weight:600;font-size:13px}</style>",
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="10" y="18" fill="#475569">${escape(caption)}</text>`,
    ...Object.entries(COLORS).map(
      ([kind, color], i) =>
        `<rect x="${WIDTH - 290 + i * 95}" y="8" width="10" height="10" fill="${color}"/><text x="${WIDTH - 276 + i * 95}" y="17" fill="#475569">${kind}</text>`,
    ),
    ...body,
    "</svg>",
    "",
  ].join("\n");
}


function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
