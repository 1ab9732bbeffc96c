/**
 * sessionrow's metrics scraped by Prometheus, through the OpenTelemetry Node SDK. Logs a few users in
 * and out, makes two "processes" save one session at once, lets sessions expire and prunes them, then
 * prints what a Prometheus scrape of http://127.0.0.1:9464/metrics returns.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/app npx tsx examples/opentelemetry/prometheus.ts
 *
 * (the database with sessionrow's migrations applied: `npx prisma migrate deploy`).
 * METRICS_PORT changes the port.
 */
import * as otel from "@opentelemetry/api";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../../generated/prisma/client.js";
import { SessionManager, type TokenAction } from "../../src/index.js";

const port = Number(process.env.METRICS_PORT ?? 9464);
// In an app this runs first (e.g. `node --import ./telemetry.js app.js`), before anything else is loaded.
const sdk = new NodeSDK({
  serviceName: "sessionrow-example",
  metricReaders: [new PrometheusExporter({ port })],
  spanProcessors: [], // see telemetry.ts beside this file for sending the spans too
});
sdk.start();

const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL! }) });
let now = Date.now() - 3_600_000;
const options = { secret: "an-example-secret-of-at-least-32-chars!", idleTimeout: "30m", clock: { now: () => now }, telemetry: otel };
const sessions = SessionManager.fromPrisma(prisma, options);
const otherProcess = SessionManager.fromPrisma(prisma, options);

const tokenOf = (action: TokenAction) => (action.type === "set" ? action.token : null);
const user = await prisma.user.create({ data: { email: `ada-${Date.now()}@example.com`, name: "Ada" } });

// An hour ago: two visitors who never came back.
for (let i = 0; i < 2; i++) {
  const session = sessions.create();
  session.set("cart", ["tea"]);
  await sessions.commit(session);
}
now = Date.now();
// Now: Ada logs in, two requests of hers save at once (merged), she logs out; the cron prunes.
const login = sessions.create();
await login.setUser(user.id);
const token = tokenOf(await sessions.commit(login));
const [a, b] = [await sessions.load(token), await otherProcess.load(token)];
a.set("theme", "dark");
b.set("lang", "en");
await sessions.commit(a);
await otherProcess.commit(b);
const logout = await sessions.load(token);
await logout.destroy();
await sessions.commit(logout);
await sessions.prune();

const scrape = await fetch(`http://127.0.0.1:${port}/metrics`);
console.log(await scrape.text());
await prisma.user.delete({ where: { id: user.id } });
await prisma.$disconnect();
await sdk.shutdown();
