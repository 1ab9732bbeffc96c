import { writeFileSync } from "node:fs";
import path from "node:path";
import { renderChart } from "./chart-svg.js";
import { renderMarkdown } from "./markdown.js";
import type { BenchResults } from "./results.js";

/** Writes `<date>.json`, `latest.md` and `latest.svg` to `outDir`; returns the JSON file's name. */
export function writeReports(results: BenchResults, outDir: string): string {
  const jsonFile = `${results.date.slice(0, 10)}.json`;
  writeFileSync(path.join(outDir, jsonFile), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(path.join(outDir, "latest.svg"), renderChart(results));
  writeFileSync(path.join(outDir, "latest.md"), renderMarkdown(results, "latest.svg", jsonFile));
  return jsonFile;
}
