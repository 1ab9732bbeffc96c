// Imports "sessionrow" once, as `import` (esm) or `require` (cjs), and prints how long it took and
// which files it loaded. Copied into the consumer project and run there, so it loads the installed
// package. With a log path, a module hook records every ESM load (require() in Node 20 bypasses
// hooks; those modules are in require.cache).
import { appendFileSync, readFileSync } from "node:fs";
import { createRequire, register } from "node:module";
import { fileURLToPath } from "node:url";

const [format, log] = process.argv.slice(2);
if (log) {
  const hooks = `
    import { appendFileSync } from "node:fs";
    let log;
    export function initialize(data) { log = data.log; }
    export async function load(url, context, next) { appendFileSync(log, url + "\\n"); return next(url, context); }`;
  appendFileSync(log, "");
  register(`data:text/javascript,${encodeURIComponent(hooks)}`, { data: { log } });
}
const require = createRequire(import.meta.url);
const start = performance.now();
if (format === "cjs") require("sessionrow");
else await import("sessionrow");
const ms = performance.now() - start;

const files = new Set(Object.keys(require.cache));
if (log) {
  for (const url of readFileSync(log, "utf8").split("\n").filter(Boolean)) {
    files.add(url.startsWith("file:") ? fileURLToPath(url) : url);
  }
}
console.log(JSON.stringify({ ms, files: [...files] }));
