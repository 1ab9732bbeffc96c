import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { DataSource } from "typeorm";
import { SessionManager, type Session } from "../../src/index.js";
import { TokenSigner } from "../../src/token.js";
import { PrismaClient } from "../../generated/prisma/client.js";
import { BenchUserEntity } from "../bench-user-entity.js";
import { SessionrowSessionEntity } from "../contenders/sessionrow-typeorm-data-source.js";
import { bulkToken, USER_COUNT } from "../database.js";
import { cpuBetween } from "../database-cpu.js";
import { backendCpuMilliseconds } from "./backend-cpu.js";
import { unmetered, wireTotals } from "./wire-meter.js";

/** One kind of request, as an adapter runs it: load, handle, commit. */
interface RequestKind {
  name: string;
  /** Whether the session is loaded with its user in one statement. */
  preloadUser: boolean;
  /** Runs the clock this far ahead (past {@link TOUCH_AFTER_MS}), so that a touch is due (sessions were last seen at load time). */
  clockAheadMs: number;
  /** `null`: the request carries no cookie. */
  usesStoredSession: boolean;
  handle(session: Session<Record<string, unknown>, unknown, number>, n: number): unknown;
}

/** Long enough that no touch falls due during the whole measurement unless a kind moves the clock. */
const TOUCH_AFTER_MS = 10 * 60_000;

export const REQUEST_KINDS: RequestKind[] = [
  { name: "read, user preloaded, no touch due", preloadUser: true, clockAheadMs: 0, usesStoredSession: true, handle: (s) => s.user() },
  { name: "read, touch due (idle expiry slides)", preloadUser: true, clockAheadMs: TOUCH_AFTER_MS + 60_000, usesStoredSession: true, handle: (s) => s.user() },
  { name: "change one key", preloadUser: false, clockAheadMs: 0, usesStoredSession: true, handle: (s, n) => s.set("cart", [n]) },
  { name: "new session with one key", preloadUser: false, clockAheadMs: 0, usesStoredSession: false, handle: (s, n) => s.set("cart", [n]) },
  { name: "login (setUser: rotates the token)", preloadUser: false, clockAheadMs: 0, usesStoredSession: true, handle: (s, n) => s.setUser(1 + (n % USER_COUNT)) },
  { name: "logout (destroy)", preloadUser: false, clockAheadMs: 0, usesStoredSession: true, handle: (s) => s.destroy() },
];

/** Costs per request of one kind on one ORM (the best of the runs for each figure). */
export interface RequestCost {
  orm: "Prisma" | "TypeORM";
  kind: string;
  requests: number;
  statements: number;
  byKind: string;
  bytesSent: number;
  bytesReceived: number;
  appCpuMs: number;
  databaseCpuMs: number | null;
  walBytes: number;
  requestsPerSecond: number;
}

type Manager = SessionManager<Record<string, unknown>, unknown, number>;

/** The two app-side stacks, each with a pool of `poolSize` connections that stay open (so backend CPU can be read). */
async function openStacks(databaseUrl: string, poolSize: number) {
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: poolSize, idleTimeoutMillis: 0 }) });
  const dataSource = await new DataSource({
    type: "postgres",
    url: databaseUrl,
    entities: [BenchUserEntity, SessionrowSessionEntity],
    extra: { max: poolSize, idleTimeoutMillis: 0 },
  }).initialize();
  return {
    stacks: [
      { orm: "Prisma" as const, manager: (options: object) => SessionManager.fromPrisma(prisma, options) as unknown as Manager },
      { orm: "TypeORM" as const, manager: (options: object) => SessionManager.fromTypeORM(dataSource, { entity: SessionrowSessionEntity, ...options }) as unknown as Manager },
    ],
    close: async () => {
      await prisma.$disconnect();
      await dataSource.destroy();
    },
  };
}

/**
 * Runs every request kind on both ORMs, `runs` times each, `requests` requests per run with
 * `concurrency` in flight; each request uses a session of its own from the bulk-loaded ones (numbers
 * from `firstSession` on), so that no two requests of a run coalesce.
 */
export async function measureRequestCosts(options: {
  databaseUrl: string;
  secret: string;
  requests: number;
  runs: number;
  concurrency: number;
  firstSession: number;
  log: (message: string) => void;
}): Promise<RequestCost[]> {
  const { stacks, close } = await openStacks(options.databaseUrl, options.concurrency);
  const monitor = unmetered(new pg.Client({ connectionString: options.databaseUrl }));
  await monitor.connect();
  let nextSession = options.firstSession;
  const costs: RequestCost[] = [];
  try {
    for (const stack of stacks) {
      for (const kind of REQUEST_KINDS) {
        const manager = stack.manager({
          secret: options.secret,
          preloadUser: kind.preloadUser,
          touchAfter: TOUCH_AFTER_MS,
          clock: { now: () => Date.now() + kind.clockAheadMs },
        });
        const signer = new TokenSigner([options.secret]);
        const token = (n: number) => signer.sign(bulkToken(n));
        await runRequests(manager, kind, 200, () => nextSession++, token, options.concurrency); // warm-up
        const runs: RequestCost[] = [];
        for (let run = 0; run < options.runs; run++) {
          const wireBefore = wireTotals();
          const cpuBefore = process.cpuUsage();
          const backendBefore = await backendCpuMilliseconds(monitor);
          const walBefore = await walPosition(monitor);
          const started = performance.now();
          await runRequests(manager, kind, options.requests, () => nextSession++, token, options.concurrency);
          const elapsed = performance.now() - started;
          const walBytes = (await walPosition(monitor)) - walBefore;
          const backendAfter = await backendCpuMilliseconds(monitor);
          const cpu = process.cpuUsage(cpuBefore);
          const wire = wireTotals();
          const per = (value: number) => value / options.requests;
          // The monitor's own four SELECTs per run go through the same counted pg.Client.prototype.query.
          const monitorStatements = 4;
          runs.push({
            orm: stack.orm,
            kind: kind.name,
            requests: options.requests,
            statements: per(wire.statements - wireBefore.statements - monitorStatements),
            byKind: Object.entries(wire.byKind)
              .map(([name, count]) => [name, count - (wireBefore.byKind[name] ?? 0) - (name === "SELECT" ? monitorStatements : 0)] as const)
              .filter(([, count]) => count > 0)
              .map(([name, count]) => `${(count / options.requests).toFixed(2)} ${name}`)
              .join(" + "),
            bytesSent: per(wire.bytesSent - wireBefore.bytesSent),
            bytesReceived: per(wire.bytesReceived - wireBefore.bytesReceived),
            appCpuMs: per((cpu.user + cpu.system) / 1000),
            databaseCpuMs: ((ms) => (ms === null ? null : per(ms)))(cpuBetween(backendBefore, backendAfter)),
            walBytes: per(walBytes),
            requestsPerSecond: (options.requests * 1000) / elapsed,
          });
        }
        const best = bestOf(runs);
        costs.push(best);
        options.log(
          `${stack.orm}, ${kind.name}: ${best.statements.toFixed(2)} statements (${best.byKind}), ${best.bytesSent.toFixed(0)} B sent, ` +
            `${best.bytesReceived.toFixed(0)} B received, app CPU ${best.appCpuMs.toFixed(3)} ms, database CPU ${best.databaseCpuMs?.toFixed(3) ?? "n/a"} ms, ` +
            `WAL ${best.walBytes.toFixed(0)} B, ${best.requestsPerSecond.toFixed(0)} req/s`,
        );
      }
    }
  } finally {
    await monitor.end();
    await close();
  }
  return costs;
}

async function runRequests(
  manager: Manager,
  kind: RequestKind,
  count: number,
  session: () => number,
  token: (n: number) => string,
  concurrency: number,
): Promise<void> {
  let issued = 0;
  const worker = async () => {
    while (issued < count) {
      issued++;
      // Each request starts in a macrotask of its own, as HTTP requests arrive: Prisma merges the
      // findUnique calls of one tick into one SELECT ... IN, which lock-stepped workers would fake.
      await new Promise((resolve) => setImmediate(resolve));
      const n = session();
      const loaded = await manager.load(kind.usesStoredSession ? token(n) : null);
      if (kind.usesStoredSession && loaded.isNew) throw new Error(`bulk session ${n} did not load: load more sessions`);
      await kind.handle(loaded, n);
      await manager.commit(loaded);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

async function walPosition(monitor: pg.Client): Promise<number> {
  const { rows } = await monitor.query<{ bytes: string }>("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint AS bytes");
  return Number(rows[0]!.bytes);
}

/** The lowest cost of each figure (other work on a shared machine only ever adds) and the highest rate. */
function bestOf(runs: RequestCost[]): RequestCost {
  const min = (pick: (run: RequestCost) => number) => Math.min(...runs.map(pick));
  const databaseCpu = runs.map((run) => run.databaseCpuMs).filter((ms): ms is number => ms !== null);
  return {
    ...runs[0]!,
    statements: min((run) => run.statements),
    bytesSent: min((run) => run.bytesSent),
    bytesReceived: min((run) => run.bytesReceived),
    appCpuMs: min((run) => run.appCpuMs),
    databaseCpuMs: databaseCpu.length === 0 ? null : Math.min(...databaseCpu),
    walBytes: min((run) => run.walBytes),
    requestsPerSecond: Math.max(...runs.map((run) => run.requestsPerSecond)),
  };
}
