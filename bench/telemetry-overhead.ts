/**
 * `npm run bench:telemetry`: what the `telemetry` option costs per request, in one process, on the
 * MemoryStore (the worst case: store calls cost almost nothing, so telemetry's share is largest)
 * and on PostgreSQL through Prisma. Three managers take turns over the same sessions:
 *
 * - off: no `telemetry` option (the default);
 * - API, nothing registered: what `telemetry: otel` does in an app that never starts the SDK
 *   (the API's proxy tracer and no-op meter);
 * - SDK: a registered TracerProvider (BatchSpanProcessor, every span sampled, exported to nowhere)
 *   and MeterProvider (every instrument aggregated).
 *
 * Each request is `load` + one changed key + `commit` (one SELECT, one version-checked UPDATE), or
 * a read (`load` + `commit`, no write). Prints the median of interleaved rounds and the ratios.
 */
import { createNoopMeter, ProxyTracerProvider } from "@opentelemetry/api";
import { PrismaPg } from "@prisma/adapter-pg";
import { MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import { BatchSpanProcessor, TracerProvider, type SpanExporter } from "@opentelemetry/sdk-trace";
import pg from "pg";
import { PrismaClient } from "../generated/prisma/client.js";
import { applyMigrations } from "../scripts/lib/prisma-schema-engine.js";
import { MemoryStore, SessionManager, type SessionManagerOptions, type SessionStore, type TelemetryOptions } from "../src/index.js";
import { PrismaStore } from "../src/prisma.js";

const SECRET = "sessionrow-bench-secret-not-for-production-use";
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const SERVER_URL = process.env.BENCH_SERVER_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const DATABASE = "sessionrow_bench_telemetry";

/** Drops every span: the SDK's whole cost up to the exporter, without an exporter's I/O. */
const nowhere: SpanExporter = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} };

/** Aggregates every instrument; never exported (a Prometheus exporter does the same between scrapes). */
class IdleReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

const tracerProvider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter: nowhere })] });
const meterProvider = new MeterProvider({ readers: [new IdleReader()] });
const VARIANTS: { name: string; telemetry?: TelemetryOptions }[] = [
  { name: "off" },
  { name: "API, nothing registered", telemetry: { tracer: new ProxyTracerProvider().getTracer("sessionrow"), meter: createNoopMeter() } },
  { name: "SDK registered", telemetry: { tracer: tracerProvider.getTracer("sessionrow"), meter: meterProvider.getMeter("sessionrow") } },
];

type Manager = SessionManager<Record<string, unknown>, unknown, number>;

/** Median µs per request of each variant, over interleaved rounds. */
async function measure(store: SessionStore<number>, requests: number, write: boolean): Promise<number[]> {
  const managers: Manager[] = VARIANTS.map((variant) => {
    const options: SessionManagerOptions = { secret: SECRET, ...(variant.telemetry ? { telemetry: variant.telemetry } : {}) };
    return new SessionManager<Record<string, unknown>, unknown, number>(store, options);
  });
  const seed = managers[0]!.create();
  seed.set("views", 0);
  const action = await managers[0]!.commit(seed);
  if (action.type !== "set") throw new Error("the seed session got no token");
  const token = action.token;
  const request = async (manager: Manager) => {
    const session = await manager.load(token);
    if (write) session.set("views", ((session.get("views") as number) ?? 0) + 1);
    await manager.commit(session);
  };
  for (const manager of managers) for (let i = 0; i < Math.min(500, requests); i++) await request(manager);
  const samples: number[][] = VARIANTS.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, manager] of managers.entries()) {
      const started = process.hrtime.bigint();
      for (let i = 0; i < requests; i++) await request(manager);
      samples[index]!.push(Number(process.hrtime.bigint() - started) / 1000 / requests);
    }
  }
  return samples.map(median);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function report(title: string, micros: number[]): void {
  console.log(`\n${title}`);
  for (const [index, variant] of VARIANTS.entries()) {
    const ratio = micros[index]! / micros[0]!;
    console.log(`  ${variant.name.padEnd(26)} ${micros[index]!.toFixed(1).padStart(8)} µs/request   ${ratio.toFixed(3)}x off`);
  }
}

async function withDatabase<T>(run: (url: string) => Promise<T>): Promise<T> {
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: SERVER_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`DROP DATABASE IF EXISTS "${DATABASE}" WITH (FORCE)`);
  await admin(`CREATE DATABASE "${DATABASE}"`);
  const url = new URL(SERVER_URL);
  url.pathname = `/${DATABASE}`;
  try {
    await applyMigrations({ adapterFactory: new PrismaPg({ connectionString: url.toString() }), migrationsDir: "prisma/migrations", schemaPath: "prisma/schema.prisma" });
    return await run(url.toString());
  } finally {
    await admin(`DROP DATABASE IF EXISTS "${DATABASE}" WITH (FORCE)`);
  }
}

console.log(`telemetry overhead: median of ${ROUNDS} interleaved rounds, Node ${process.version}`);
report("MemoryStore, load + change + commit (20,000 requests a round)", await measure(new MemoryStore<number>(), 20_000, true));
report("MemoryStore, read only (20,000 requests a round)", await measure(new MemoryStore<number>(), 20_000, false));
await withDatabase(async (url) => {
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
  try {
    const store = new PrismaStore<number>(prisma);
    report("PostgreSQL (Prisma), load + change + commit (1,000 requests a round)", await measure(store, 1000, true));
    report("PostgreSQL (Prisma), read only (1,000 requests a round)", await measure(store, 1000, false));
  } finally {
    await prisma.$disconnect();
  }
});
await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
