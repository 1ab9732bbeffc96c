// The consumer matrix (`npm run test:consumers`, and jest through consumers.test.ts): builds and packs
// sessionrow, installs the tarball into a throwaway project under the OS temp directory, measures
// what `sessionrow` alone loads, then for every app in ./.apps compiles it with tsc and runs it on a
// throwaway PostgreSQL database (DATABASE_URL): POST /login, GET /me with the cookie, and the session
// row is checked in the database. Exits non-zero on any failure and keeps the temp directory then.
//
// The apps live in ./.apps: TypeScript's `include` skips dot-directories, so the repository's own
// typecheck (which cannot resolve "sessionrow" as an installed package) leaves them alone.
//
// The peers those apps need (express, typeorm, pg, @nestjs/*, ...) are symlinked from this repository's
// node_modules instead of installed: the one `npm install` fetches sessionrow's own dependencies,
// from npm's cache when it has them.
//
// The peer matrix (PEER_MATRIX) is different: each row is a fresh project that installs the tarball
// together with the peer versions the row names, with plain `npm install` (no --legacy-peer-deps, no
// --force, and the harness checks that no npm configuration turns either on), so npm's peer
// resolution is what a user's install would meet. They share npm's cache and install two at a time.
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

const root = fileURLToPath(new URL("../../", import.meta.url));
const appsDir = fileURLToPath(new URL(".apps/", import.meta.url));
const databaseUrl = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const tsc = join(root, "node_modules/typescript/bin/tsc");
const prismaCli = join(root, "node_modules/prisma/build/index.js");

const PEERS = [
  "express",
  "typeorm",
  "pg",
  "reflect-metadata",
  "rxjs",
  "@nestjs/common",
  "@nestjs/core",
  "@nestjs/platform-express",
  "@types/node",
  "@types/express",
  "fastify",
  "hono",
  "@hono/node-server",
];
/** Packages that importing `sessionrow` alone must not load. */
const HEAVY = /[\\/]node_modules[\\/](typeorm|@prisma[\\/]client|\.prisma|prisma|express|@nestjs[\\/][^\\/]+|pg|mysql2|fastify|hono|@hono[\\/][^\\/]+|next)[\\/]/;

/** The setups: the directory under ./apps, what it shows, and the file node runs after tsc. */
const SETUPS = [
  { app: "esm-ts", title: "ESM TypeScript (module nodenext)", main: "dist/main.js" },
  { app: "cjs-ts", title: "CommonJS TypeScript (moduleResolution node)", main: "dist/main.js" },
  { app: "cjs-js", title: "JavaScript require (tsc --checkJs)", main: "main.js" },
  { app: "nest", title: "Nest, default tsconfig, sessionrow/nest", main: "dist/main.js", nest: true },
  { app: "fastify-ts", title: "Fastify, sessionrow/fastify (ESM TypeScript)", main: "dist/main.js" },
  { app: "hono-ts", title: "Hono on Node, sessionrow/web (ESM TypeScript)", main: "dist/main.js" },
];

/**
 * Fresh projects, each with its own `npm install` of the tarball and these exact peers: the oldest and
 * newest TypeORM 0.3, TypeORM 1.x, Express 4.17.3 and 5, and a Prisma app that also carries typeorm 0.3.
 * `app` is the source directory under ./.apps, `table` the session table the row check counts.
 */
const PEER_MATRIX = [
  {
    id: "prisma-typeorm03",
    app: "prisma-express",
    title: "Prisma 7.10 + Express 5, typeorm 0.3.31 also installed",
    table: "Session",
    prisma: true,
    dependencies: {
      "@prisma/client": "7.10.0",
      "@prisma/adapter-pg": "7.10.0",
      typeorm: "0.3.31",
      express: "^5.1.0",
      "@types/express": "^5.0.6",
    },
    expect: { "@prisma/client": "7.10.0", typeorm: "0.3.31", express: /^5\./ },
  },
  {
    id: "prisma700",
    app: "prisma-express",
    title: "Prisma 7.0.0 (oldest the peer range admits) + Express 5",
    table: "Session",
    prisma: true,
    // Generated with the app's own Prisma CLI of the same version.
    dependencies: { "@prisma/client": "7.0.0", "@prisma/adapter-pg": "7.0.0", prisma: "7.0.0", express: "^5.1.0", "@types/express": "^5.0.6" },
    expect: { "@prisma/client": "7.0.0", "@prisma/adapter-pg": "7.0.0", prisma: "7.0.0", express: /^5\./ },
  },
  {
    id: "typeorm0320-express4173",
    app: "typeorm-express",
    title: "TypeORM 0.3.20 + Express 4.17.3 (oldest supported)",
    table: "session",
    dependencies: { typeorm: "0.3.20", pg: "^8.11.0", "reflect-metadata": "^0.2.2", express: "4.17.3", "@types/express": "^4.17.21" },
    expect: { typeorm: "0.3.20", express: "4.17.3" },
  },
  {
    id: "typeorm0331-express4",
    app: "typeorm-express",
    title: "TypeORM 0.3.31 + Express 4 (latest 4.x)",
    table: "session",
    dependencies: { typeorm: "0.3.31", pg: "^8.11.0", "reflect-metadata": "^0.2.2", express: "^4.21.2", "@types/express": "^4.17.21" },
    expect: { typeorm: "0.3.31", express: /^4\./ },
  },
  {
    id: "typeorm1-express5",
    app: "typeorm-express",
    title: "TypeORM 1.x + Express 5",
    table: "session",
    dependencies: { typeorm: "^1.1.1", pg: "^8.11.0", "reflect-metadata": "^0.2.2", express: "^5.1.0", "@types/express": "^5.0.6" },
    expect: { typeorm: /^1\./, express: /^5\./ },
  },
];

const work = mkdtempSync(join(tmpdir(), "sessionrow-consumers-"));
// Not under `work`: node must not find the symlinked peers of work/node_modules from a matrix app.
const peerWork = mkdtempSync(join(tmpdir(), "sessionrow-peer-matrix-"));
const rows = [];

try {
  await step("build", async () => void (await run("npm", ["run", "build"], { cwd: root })));
  const tarball = await step("npm pack", () => pack());
  await step("npm install (tarball)", () => install(tarball.filename));
  for (const format of ["esm", "cjs"]) await step(`import cost (${format})`, () => importCost(format));
  // Two at a time: each runs tsc, and the machines have 2 cores.
  for (let i = 0; i < SETUPS.length; i += 2) await Promise.all(SETUPS.slice(i, i + 2).map((setup) => step(setup.title, () => consumer(setup))));
  // Two at a time as well: an install mostly waits on the disk and npm's cache, tsc on the CPU.
  for (let i = 0; i < PEER_MATRIX.length; i += 2) {
    await Promise.all(PEER_MATRIX.slice(i, i + 2).map((row) => step(`peers: ${row.title}`, () => peerConsumer(row, join(work, tarball.filename)))));
  }
  report(tarball);
} catch (error) {
  console.error(`\n${error instanceof Error ? error.message : String(error)}`);
  console.error(`\nConsumer matrix FAILED; the throwaway projects are kept in ${work} and ${peerWork}`);
  process.exitCode = 1;
}
if (process.exitCode !== 1) for (const dir of [work, peerWork]) rmSync(dir, { recursive: true, force: true });

/** Runs one step and records its outcome and duration; rethrows its error. */
async function step(name, action) {
  const start = performance.now();
  try {
    const result = await action();
    rows.push({ name, ok: true, ms: performance.now() - start, detail: typeof result === "string" ? result : "" });
    console.log(`ok   ${name} (${Math.round(performance.now() - start)} ms)${typeof result === "string" ? `: ${result}` : ""}`);
    return result;
  } catch (error) {
    rows.push({ name, ok: false, ms: performance.now() - start, detail: String(error) });
    console.log(`FAIL ${name}`);
    throw new Error(`${name}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** Runs a command to completion; rejects with its output when it exits non-zero. */
function run(command, args, options) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(" ")} exited with ${code}:\n${output}`)),
    );
  });
}

async function pack() {
  const output = await run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", work], { cwd: root });
  const [tarball] = JSON.parse(output.slice(output.indexOf("[")));
  return { filename: tarball.filename, size: tarball.size, unpackedSize: tarball.unpackedSize, files: tarball.entryCount };
}

/** Installs the tarball into `work` (the apps are its subdirectories), then links the peers. */
async function install(filename) {
  writeFileSync(join(work, "package.json"), JSON.stringify({ private: true, dependencies: { sessionrow: `file:./${filename}` } }));
  await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock"], { cwd: work });
  for (const peer of PEERS) {
    mkdirSync(dirname(join(work, "node_modules", peer)), { recursive: true });
    symlinkSync(join(root, "node_modules", peer), join(work, "node_modules", peer), "dir");
  }
}

/** Median import time over 5 fresh processes, and the files one import loads (none of them an ORM or framework). */
async function importCost(format) {
  cpSync(join(dirname(appsDir), "import-probe.mjs"), join(work, "import-probe.mjs"));
  const times = [];
  for (let i = 0; i < 5; i++) times.push(JSON.parse(await run(process.execPath, ["import-probe.mjs", format], { cwd: work })).ms);
  const log = join(work, `import-${format}.log`);
  const { files } = JSON.parse(await run(process.execPath, ["import-probe.mjs", format, log], { cwd: work }));
  const loaded = files.filter((file) => !file.startsWith("node:") && !file.endsWith("import-probe.mjs"));
  const heavy = loaded.filter((file) => HEAVY.test(file));
  if (heavy.length > 0) throw new Error(`importing sessionrow loaded ${heavy.join(", ")}`);
  const packages = [...new Set(loaded.map((file) => /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(file)?.[1]))];
  const builtins = files.filter((file) => file.startsWith("node:")).length;
  const median = times.sort((a, b) => a - b)[2];
  return `${median.toFixed(1)} ms median, ${loaded.length} files (${packages.join(", ")})${builtins ? `, ${builtins} node: builtins imported` : ""}`;
}

/**
 * One peer-matrix row: a fresh project holding the tarball and the row's peers, installed with plain
 * `npm install`; then the same compile, run and login as the other setups.
 */
async function peerConsumer(row, tarballPath) {
  const dir = join(peerWork, row.id);
  cpSync(join(appsDir, row.app), dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  manifest.dependencies = {
    sessionrow: `file:${tarballPath}`,
    ...row.dependencies,
    "@types/node": "^20.19.0",
    ...(row.prisma ? { pg: "^8.11.0" } : {}),
  };
  writeFileSync(join(dir, "package.json"), JSON.stringify(manifest, null, 2));
  const env = plainNpmEnv();
  for (const setting of ["legacy-peer-deps", "force"]) {
    const value = (await run("npm", ["config", "get", setting], { cwd: dir, env })).trim();
    expect(value === "false", `npm config ${setting} is ${value} in ${dir}: the matrix must install without it`);
  }
  const installStart = performance.now();
  const installOutput = await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], { cwd: dir, env });
  // npm resolves some peer conflicts by overriding the peer and only warning: that is a failure here.
  expect(!/ERESOLVE|peer dep/i.test(installOutput), `npm install warned about peer dependencies:\n${installOutput}`);
  const installMs = performance.now() - installStart;
  const installed = Object.entries(row.expect).map(([name, wanted]) => {
    const version = JSON.parse(readFileSync(join(dir, "node_modules", name, "package.json"), "utf8")).version;
    const ok = typeof wanted === "string" ? version === wanted : wanted.test(version);
    expect(ok, `${name} ${version} is installed, the row wants ${wanted}`);
    return `${name} ${version}`;
  });
  if (row.prisma) {
    const cli = row.dependencies.prisma === undefined ? prismaCli : join(dir, "node_modules/prisma/build/index.js");
    await run(process.execPath, [cli, "generate", "--schema", "prisma/schema.prisma"], { cwd: dir, env: prismaEnv() });
  }
  const result = await consumer({ app: row.id, main: row.prisma ? "dist/src/main.js" : "dist/main.js", table: row.table, prune: row.prisma }, dir);
  return `${installed.join(", ")}; npm install ${Math.round(installMs)} ms, ${result}`;
}

/** The environment without npm settings inherited from an `npm run` parent (which could carry --force). */
function plainNpmEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_config_(legacy_peer_deps|force)$/i.test(name)));
}

/** Prisma's CLI wants a schema engine binary even to generate; point it at one that fails loudly. */
function prismaEnv() {
  const stub = join(peerWork, "schema-engine-unavailable");
  writeFileSync(stub, "#!/bin/sh\necho 'no schema engine in the consumer matrix' >&2\nexit 1\n", { mode: 0o755 });
  return { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: stub, PRISMA_HIDE_UPDATE_MESSAGE: "1" };
}

/** Type-checks (and compiles) the app, runs it on a fresh database and drives one login. */
async function consumer(setup, installedDir) {
  const dir = installedDir ?? join(work, setup.app);
  if (!installedDir) cpSync(join(appsDir, setup.app), dir, { recursive: true });
  const compileStart = performance.now();
  await run(process.execPath, [tsc, "-p", "."], { cwd: dir });
  const compileMs = performance.now() - compileStart;

  const database = `sessionrow_consumer_${setup.app.replace(/-/g, "_")}_${process.pid}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${database}`);
    const url = new URL(databaseUrl);
    url.pathname = `/${database}`;
    const runStart = performance.now();
    await withApp(dir, setup.main, url.toString(), (port) => exercise(port, setup));
    const rowCheck = new pg.Client({ connectionString: url.toString() });
    await rowCheck.connect();
    try {
      const { rows: [row] } = await rowCheck.query(`SELECT count(*)::int AS n FROM "${setup.table ?? "session"}" WHERE "userId" IS NOT NULL`);
      if (row.n !== 1) throw new Error(`expected 1 logged-in session row in PostgreSQL, found ${row.n}`);
    } finally {
      await rowCheck.end();
    }
    return `tsc ${Math.round(compileMs)} ms, start + requests ${Math.round(performance.now() - runStart)} ms`;
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}

/** Starts the app, waits for its "listening <port>" line, runs `use(port)`, then stops it. */
async function withApp(dir, main, url, use) {
  const child = spawn(process.execPath, [main], { cwd: dir, env: { ...process.env, DATABASE_URL: url }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  try {
    const port = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the app did not start in 60 s:\n${output}`)), 60_000);
      const onData = (chunk) => {
        output += chunk;
        const match = /listening (\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      };
      child.stdout.on("data", onData);
      child.stderr.on("data", (chunk) => (output += chunk));
      child.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`the app exited with ${code}:\n${output}`));
      });
    });
    await use(port);
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\napp output:\n${output}`, { cause: error });
  } finally {
    const exited = new Promise((resolve) => (child.exitCode === null ? child.on("exit", resolve) : resolve()));
    child.kill("SIGTERM");
    await exited;
  }
}

/** Logs in (one session, stored in PostgreSQL), then reads it back with the cookie. */
async function exercise(port, setup) {
  const base = `http://127.0.0.1:${port}`;
  const login = await fetch(`${base}/login`, { method: "POST" });
  expect(login.ok, `POST /login answered ${login.status}: ${await login.text()}`);
  const cookie = login.headers.get("set-cookie")?.split(";")[0];
  expect(cookie, "POST /login set no session cookie");
  const me = await fetch(`${base}/me`, { headers: { cookie } });
  const body = await me.json();
  expect(me.ok && body.email === "ada@example.com" && body.views === 1, `GET /me answered ${me.status} ${JSON.stringify(body)}`);
  if (setup.prune) {
    const prune = await fetch(`${base}/prune`, { method: "POST" });
    const pruned = await prune.json();
    expect(prune.ok && pruned.deleted === 1, `POST /prune answered ${prune.status} ${JSON.stringify(pruned)}, expected { deleted: 1 }`);
  }
  if (!setup.nest) return;
  expect(body.sessions === 1, `the injected SessionManager listed ${body.sessions} sessions`);
  const anonymous = await fetch(`${base}/me`);
  expect(anonymous.status === 401, `GET /me without a session answered ${anonymous.status}, expected 401 from RequireUser`);
  const conflict = await fetch(`${base}/conflict`);
  const error = await conflict.json();
  expect(
    conflict.status === 409 && error.code === "SESSION_CONFLICT",
    `SessionExceptionFilter answered ${conflict.status} ${JSON.stringify(error)}, expected 409 SESSION_CONFLICT`,
  );
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

function report(tarball) {
  const kb = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;
  console.log(`\nsessionrow tarball: ${kb(tarball.size)} packed, ${kb(tarball.unpackedSize)} unpacked, ${tarball.files} files`);
  console.log(`Node ${process.version}`);
  for (const row of rows) console.log(`${row.ok ? "PASS" : "FAIL"}  ${row.name.padEnd(46)} ${row.detail}`);
}
