/**
 * Re-renders latest.md and latest.svg (and the targets) from a results file, without measuring:
 *
 *     npx tsx bench/render.ts bench/results/<date>.json
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { evaluateTargets, type BenchResults } from "./report/results.js";
import { writeReports } from "./report/write-reports.js";

const file = process.argv[2];
if (!file) {
  console.error("usage: npx tsx bench/render.ts <results.json>");
  process.exit(2);
}
const results = JSON.parse(readFileSync(file, "utf8")) as BenchResults;
const { targets: _targets, ...measured } = results;
writeReports({ ...measured, targets: evaluateTargets(measured) }, path.dirname(file));
console.log(`rendered ${path.join(path.dirname(file), "latest.md")} and latest.svg from ${file}`);
