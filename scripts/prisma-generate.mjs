// Runs `prisma generate` on machines that cannot download Prisma's native schema engine.
// Generation does not need that engine, but the CLI insists it exists; point it at a stub that
// fails loudly, so a `migrate` command run by mistake errors instead of silently doing nothing.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

const stubDir = join("node_modules", ".cache", "sessionrow");
const stub = join(stubDir, "schema-engine-unavailable");
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1" };
if (!process.env.PRISMA_SCHEMA_ENGINE_BINARY) {
  mkdirSync(stubDir, { recursive: true });
  writeFileSync(
    stub,
    "#!/bin/sh\necho 'The native Prisma schema engine is not installed here; use npm run db:migrate.' >&2\nexit 1\n",
  );
  chmodSync(stub, 0o755);
  env.PRISMA_SCHEMA_ENGINE_BINARY = join(process.cwd(), stub);
}
const schemas = process.argv.slice(2);
for (const schema of schemas.length > 0 ? schemas : ["prisma/schema.prisma"]) {
  if (!existsSync(schema)) continue;
  const result = spawnSync("npx", ["prisma", "generate", "--schema", schema], { stdio: "inherit", env });
  if (result.status !== 0) process.exit(result.status ?? 1);
  markCommonJs(schema);
}

/**
 * The clients are generated with moduleFormat "cjs" (jest loads them); inside this ESM package,
 * TypeScript and tsx only treat them as CommonJS with a package.json saying so.
 */
function markCommonJs(schema) {
  const output = /output\s*=\s*"([^"]+)"/.exec(readFileSync(schema, "utf8"))?.[1];
  if (!output) return;
  writeFileSync(join(resolve(dirname(schema), output), "package.json"), '{ "type": "commonjs" }\n');
}
