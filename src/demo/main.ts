/**
 * The sessionrow demo (`npm start`): an Express app on embedded PGlite in `.data/` (or PostgreSQL
 * when `DATABASE_URL` is set) at http://127.0.0.1:8080.
 *
 *     npx tsx src/demo/main.ts [--host 127.0.0.1] [--port 8080] [--data-dir .data]
 *
 * Run it from the repository root. Ctrl-C (or SIGTERM) closes the server and the database.
 */
import { createServer, type Server } from "node:http";
import { parseArgs } from "node:util";
import { SessionManager } from "../session-manager.js";
import { createDemoApp } from "./app.js";
import { openDemoDatabase, type DemoDatabase } from "./demo-database.js";
import { loadDemoSecret } from "./demo-secret.js";
import type { DemoPrisma, DemoSessionData } from "./demo-session.js";
import { seedDemoUsers } from "./demo-users.js";
import { exposureWarning } from "./exposure-warning.js";

const USAGE = `Usage: npm start -- [--host HOST] [--port PORT] [--data-dir DIR]

  --host HOST      address to listen on (default 127.0.0.1)
  --port PORT      port to listen on, 0 for any free port (default 8080)
  --data-dir DIR   where the embedded database and the generated secret live (default .data)

Environment:
  DATABASE_URL     use this PostgreSQL database instead of the embedded PGlite
  SESSION_SECRET   secret that signs session tokens (default: generated once, kept in DIR/secret)`;

/** Stops waiting for open keep-alive connections after this long. */
const SHUTDOWN_GRACE_MS = 3000;

function parseOptions(): { host: string; port: number; dataDir: string } | null {
  const { values } = parseArgs({
    options: {
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: "8080" },
      "data-dir": { type: "string", default: ".data" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return null;
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65_535) throw new Error(`--port must be a number from 0 to 65535 (got ${values.port})`);
  return { host: values.host, port, dataDir: values["data-dir"] };
}

function listen(server: Server, port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" ? new Error(`${host}:${port} is already in use: pass another --port`) : error),
    );
    server.listen(port, host, () => {
      const address = server.address();
      const actualPort = typeof address === "object" && address ? address.port : port;
      resolve(`http://${host.includes(":") ? `[${host}]` : host}:${actualPort}`);
    });
  });
}

function shutDownOnSignals(server: Server, database: DemoDatabase): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      console.log(`${signal} again: exiting without waiting.`);
      process.exit(1);
    }
    stopping = true;
    console.log(`\n${signal}: shutting down...`);
    const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    server.close(() => {
      clearTimeout(force);
      database.close().then(
        () => console.log("Stopped."),
        (error: unknown) => {
          console.error(`Closing the database failed: ${error instanceof Error ? error.message : String(error)}`);
          process.exitCode = 1;
        },
      );
    });
    // Idle keep-alive sockets would hold close() open until the browser drops them.
    server.closeIdleConnections();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

async function main(): Promise<void> {
  const options = parseOptions();
  if (!options) {
    console.log(USAGE);
    return;
  }
  const started = performance.now();
  const database = await openDemoDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: options.dataDir });
  let server: Server | undefined;
  try {
    await seedDemoUsers(database.prisma);
    const { secret, source } = await loadDemoSecret(options.dataDir);
    const sessions = SessionManager.fromPrisma<DemoSessionData, DemoPrisma>(database.prisma, { secret });
    server = createServer(createDemoApp(sessions, database.prisma, { databaseLabel: database.label }));
    const url = await listen(server, options.port, options.host);
    const migrations = database.appliedMigrations;
    console.log(`sessionrow demo
  database  ${database.label}
  schema    ${migrations.length === 0 ? "up to date" : `applied ${migrations.join(", ")}`}
  secret    ${source}
  started in ${((performance.now() - started) / 1000).toFixed(1)} s
Listening on ${url} (Ctrl-C to stop)`);
    const warning = exposureWarning(options.host);
    if (warning !== null) console.warn(warning);
    shutDownOnSignals(server, database);
  } catch (error) {
    server?.close();
    await database.close();
    throw error;
  }
}

main().catch((error: unknown) => {
  console.error(`The demo could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
