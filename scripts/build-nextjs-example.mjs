// `npm run example:nextjs`: installs, generates and builds examples/nextjs (run by `npm test` before the
// tests, which serve it with `next start`). It links the library's dist/, so `npm run build` comes first.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const cwd = "examples/nextjs";
if (!existsSync("dist/index.js")) {
  console.error("dist/ is missing: run `npm run build` first (the example links the built library).");
  process.exit(1);
}
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
for (const [command, ...args] of [
  ["npm", "install", "--no-audit", "--no-fund"],
  ["npm", "run", "generate"],
  ["npm", "run", "build"],
]) {
  const started = performance.now();
  const result = spawnSync(command, args, { cwd, env, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
  console.log(`examples/nextjs: ${[command, ...args].join(" ")} took ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
