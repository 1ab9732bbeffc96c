import { PrismaPg } from "@prisma/adapter-pg";
import express, { type ErrorRequestHandler } from "express";
import request from "supertest";
import { DataSource } from "typeorm";
import { SessionManager, type SessionStore } from "../../src/index.js";
import { PrismaStore } from "../../src/prisma.js";
import { TypeORMStore } from "../../src/typeorm.js";
import { PrismaClient } from "../../generated/prisma/client.js";
import { createMariaDbDatabase } from "../support/mariadb.js";
import { createTestDatabase } from "../support/postgres.js";
import { Account, openTypeORM, sessionEntities, User } from "../support/typeorm.js";
import { TcpProxy } from "../support/tcp-proxy.js";

const secret = "cmPBTVyWcoTni4ApX4zL2ZiKS7BGcTnuUpbgS5mJRmE";
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

/** A store whose database connection runs through a TCP proxy the test can cut. */
interface ProxiedStore {
  store: SessionStore<number, unknown>;
  proxy: TcpProxy;
  close(): Promise<void>;
}

/** Prisma on PostgreSQL and TypeORM on MariaDB: both ORMs, both databases. */
const targets: [string, () => Promise<ProxiedStore>][] = [
  [
    "Prisma on PostgreSQL",
    async () => {
      const db = await createTestDatabase();
      const url = new URL(db.url);
      const proxy = await TcpProxy.start({ host: url.hostname, port: Number(url.port || 5432) });
      url.host = `127.0.0.1:${proxy.port}`;
      const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url.toString(), connectionTimeoutMillis: 1000 }) });
      return {
        store: new PrismaStore<number>(prisma),
        proxy,
        close: async () => {
          await prisma.$disconnect();
          await proxy.close();
          await db.drop();
        },
      };
    },
  ],
  [
    "TypeORM on MariaDB",
    async () => {
      const db = await createMariaDbDatabase();
      await (await openTypeORM({ type: "mariadb", url: db.url, timezone: "Z" })).close(); // migrate
      const url = new URL(db.url);
      const proxy = await TcpProxy.start({ host: url.hostname, port: Number(url.port || 3306) });
      url.host = `127.0.0.1:${proxy.port}`;
      const entities = sessionEntities("mariadb");
      const dataSource = new DataSource({
        type: "mariadb",
        url: url.toString(),
        timezone: "Z",
        connectTimeout: 1000,
        entities: [User, Account, entities.Session, entities.AccountSession],
      });
      await dataSource.initialize();
      return {
        store: new TypeORMStore<number>(dataSource, { entity: entities.Session }),
        proxy,
        close: async () => {
          await dataSource.destroy();
          await proxy.close();
          await db.drop();
        },
      };
    },
  ],
];

beforeAll(() => {
  process.on("unhandledRejection", onUnhandled);
});
afterAll(() => {
  process.off("unhandledRejection", onUnhandled);
});

function createApp(store: SessionStore<number, unknown>) {
  const sessions = new SessionManager(store, { secret, storeTimeout: "1500ms" });
  const app = express();
  app.use(sessions.express());
  app.get("/count", (req, res) => {
    res.json({ views: req.session.update("views", (n) => ((n as number | undefined) ?? 0) + 1) });
  });
  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    res.status(error.status ?? 500).json({ code: error.code });
  };
  app.use(onError);
  return app;
}

async function burst(app: express.Express, cookie: string, count: number) {
  return Promise.all(Array.from({ length: count }, () => request(app).get("/count").set("Cookie", cookie)));
}

describe.each(targets)("database outage on %s", (name, open) => {
  let target: ProxiedStore;
  let proxy: TcpProxy;

  beforeAll(async () => {
    target = await open();
    proxy = target.proxy;
  });
  afterAll(async () => {
    await target?.close();
  });

  it.each([
    ["refused connections", (p: TcpProxy) => p.refuse()],
    ["a hung network (blackhole)", (p: TcpProxy) => p.blackhole()],
  ])("answers 503 during %s and recovers without a restart", async (label, cut) => {
    const app = createApp(target.store);
    const first = await request(app).get("/count");
    expect(first.status).toBe(200);
    const cookie = (first.headers["set-cookie"] as unknown as string[])[0]!.split(";")[0]!;

    // Cut the connection while a burst of requests is in flight.
    const inFlight = burst(app, cookie, 10);
    setTimeout(() => cut(proxy), 5);
    const during = await inFlight;
    for (const response of during) expect([200, 503]).toContain(response.status);

    const started = Date.now();
    const down = await burst(app, cookie, 5);
    expect(down.map((r) => r.status)).toEqual([503, 503, 503, 503, 503]);
    expect(down[0]!.body).toEqual({ code: "SESSION_STORE_UNAVAILABLE" });
    expect(Date.now() - started).toBeLessThan(5000);

    proxy.restore();
    const restoredAt = Date.now();
    let recovered: request.Response | undefined;
    for (let attempt = 0; attempt < 50 && recovered?.status !== 200; attempt++) {
      recovered = await request(app).get("/count").set("Cookie", cookie);
      if (recovered.status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(recovered?.status).toBe(200);
    const recoveryMs = Date.now() - restoredAt;
    expect(recoveryMs).toBeLessThan(5000);
    console.info(`${name}, ${label}: 503 after ${Date.now() - started - recoveryMs} ms for 5 requests, recovered ${recoveryMs} ms after the database returned`);
    // Every increment that answered 200 was kept. (A 503 may still have been written: the
    // connection can drop after the database committed and before it answered.)
    const ok = during.filter((r) => r.status === 200).length;
    expect(recovered!.body.views).toBeGreaterThanOrEqual(1 + ok + 1);
    expect(recovered!.body.views).toBeLessThanOrEqual(1 + during.length + 1);
    expect(unhandled).toEqual([]);
  });
});
