/**
 * Summarizes a V8 CPU profile written by `npm run bench -- --profile <dir>`: self time by
 * package/file and by function, so "where does a request's time go" has an answer.
 *
 *     npx tsx bench/profile-summary.ts <file.cpuprofile> [top=25]
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topText] = process.argv.slice(2);
if (!file) {
  console.error("usage: npx tsx bench/profile-summary.ts <file.cpuprofile> [top]");
  process.exit(2);
}
const top = Number(topText ?? 25);
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const selfMicros = new Map<number, number>();
profile.samples.forEach((id, i) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...selfMicros.values()].reduce((a, b) => a + b, 0);

/** A file's package (node_modules/<pkg>), or the repository directory, or a V8/Node category. */
function groupOf(url: string, functionName: string): string {
  if (!url) return `(${functionName || "native"})`;
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1]!;
  if (url.startsWith("node:")) return url;
  const repo = /\/work\/main\/([^/]+\/(?:[^/]+\/)?)/.exec(url);
  return repo ? repo[1]! : url;
}

const byGroup = new Map<string, number>();
const byFunction = new Map<string, number>();
for (const [id, micros] of selfMicros) {
  const frame = nodes.get(id)!.callFrame;
  const group = groupOf(frame.url, frame.functionName);
  byGroup.set(group, (byGroup.get(group) ?? 0) + micros);
  const name = `${frame.functionName || "(anonymous)"} ${frame.url.replace(/^.*node_modules\//, "").replace(/^file:\/\/\/work\/main\//, "")}:${frame.lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
}
const print = (title: string, map: Map<string, number>) => {
  console.log(`\n${title} (self time, of ${(total / 1e6).toFixed(1)} s sampled)`);
  for (const [name, micros] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((100 * micros) / total).toFixed(1).padStart(5)}%  ${name}`);
  }
};
print("By package / directory", byGroup);
print("By function", byFunction);
