// Runs `prisma generate` on machines that cannot download Prisma's native schema engine.
// Generation does not need that engine, but the CLI insists it exists; point it at a stub that
// fails loudly, so a `migrate` command run by mistake errors instead of silently doing nothing.
// A client generated from the same schema by the same Prisma version is kept: `npm start` and
// `npm test` regenerate only when the schema or Prisma changed.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
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
  const output = outputOf(schema);
  const stamp = output && join(output, ".sessionrow-schema-hash");
  const hash = schemaHash(schema);
  if (stamp && existsSync(stamp) && existsSync(join(output, "client.ts")) && existsSync(join(output, "package.json")) && readFileSync(stamp, "utf8") === hash) {
    console.log(`Prisma client for ${schema} is up to date (${output})`);
    continue;
  }
  const result = spawnSync("npx", ["prisma", "generate", "--schema", schema], { stdio: "inherit", env });
  if (result.status !== 0) process.exit(result.status ?? 1);
  if (output) {
    markCommonJs(output);
    writeFileSync(stamp, hash);
  }
}

/** The generator's output directory, or undefined when the schema names none. */
function outputOf(schema) {
  const output = /output\s*=\s*"([^"]+)"/.exec(readFileSync(schema, "utf8"))?.[1];
  return output && resolve(dirname(schema), output);
}

function schemaHash(schema) {
  const prismaVersion = JSON.parse(readFileSync(join("node_modules", "prisma", "package.json"), "utf8")).version;
  return createHash("sha256").update(prismaVersion).update("\0").update(readFileSync(schema)).digest("hex");
}

/**
 * The clients are generated with moduleFormat "cjs" (jest loads them); inside this ESM package,
 * TypeScript and tsx only treat them as CommonJS with a package.json saying so.
 */
function markCommonJs(output) {
  writeFileSync(join(output, "package.json"), '{ "type": "commonjs" }\n');
}
