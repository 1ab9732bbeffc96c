// Runs the consumer matrix (run-consumers.mjs, also `npm run test:consumers`) as part of `npm test`:
// the packed tarball installed into ESM TypeScript, CommonJS TypeScript, plain JavaScript, Nest,
// Fastify and Hono apps, and with plain `npm install` into fresh apps on each supported peer line
// (TypeORM 0.3.20, 0.3.31 and 1.x, Express 4.17.3, 4.x and 5, Prisma 7.0.0, Prisma 7.10 next to typeorm 0.3), each
// compiled with tsc and serving one logged-in session from PostgreSQL.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

test("the packed package type-checks and serves a session in every consumer setup", async () => {
  const { stdout } = await run(process.execPath, [path.join(__dirname, "run-consumers.mjs")], {
    cwd: path.resolve(__dirname, "../.."),
    maxBuffer: 16 * 1024 * 1024,
  }).catch((error: { code?: number; stdout?: string; stderr?: string }) => {
    throw new Error(`run-consumers.mjs exited with ${error.code}:\n${error.stdout ?? ""}${error.stderr ?? ""}`);
  });
  for (const setup of ["ESM TypeScript", "CommonJS TypeScript", "JavaScript require", "Nest", "Fastify", "Hono on Node"]) {
    expect(stdout).toMatch(new RegExp(`^PASS +${setup}`, "m"));
  }
  for (const row of [
    "Prisma 7.10 \\+ Express 5, typeorm 0.3.31 also installed",
    "Prisma 7.0.0 \\(oldest the peer range admits\\) \\+ Express 5",
    "TypeORM 0.3.20 \\+ Express 4.17.3",
    "TypeORM 0.3.31 \\+ Express 4",
    "TypeORM 1.x \\+ Express 5",
  ]) {
    expect(stdout).toMatch(new RegExp(`^PASS +peers: ${row}`, "m"));
  }
  expect(stdout).toMatch(/^PASS +import cost \(esm\)/m);
  expect(stdout).toMatch(/^PASS +import cost \(cjs\)/m);
}, 900_000);
