// `prisma generate` where Prisma's native schema engine cannot be downloaded (offline CI): generating
// does not use that engine, but the CLI wants a file to exist. The stub fails loudly, so a `migrate`
// command run by mistake errors instead of silently doing nothing. Elsewhere `npx prisma generate` is the same.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1" };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) {
  const stub = join(process.cwd(), "node_modules", ".cache", "schema-engine-unavailable");
  mkdirSync(join(stub, ".."), { recursive: true });
  writeFileSync(stub, "#!/bin/sh\necho 'The native Prisma schema engine is not installed here.' >&2\nexit 1\n");
  chmodSync(stub, 0o755);
  env.PRISMA_SCHEMA_ENGINE_BINARY = stub;
}
const result = spawnSync("npx", ["prisma", "generate"], { stdio: "inherit", env });
process.exit(result.status ?? 1);
