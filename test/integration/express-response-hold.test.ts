// The Express middleware holds a response through methods on the prototype every Express response
// inherits: these tests show that the hold survives mounted sub-apps, sits under other middleware's
// own response wrappers (compression), stacks with a second session middleware, and leaves the
// responses of apps without sessions alone. jest.compat-peers.config.js runs it on Express 4 too.
import { createServer, get, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import compression from "compression";
import express from "express";
import request from "supertest";
import { MemoryStore, SessionManager } from "../../src/index.js";
import { sessionCookie } from "../support/session-app.js";
import { SlowStore, type HeldSave } from "../support/slow-store.js";

const secret = "jTbhv-tJxD5gOySAymE8okaQp-k2AnMXdW6mhaDLj48";
/** How long a test waits to be sure that nothing reached the client while a save is held. */
const HELD_FOR_MS = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A request's response, and whether it has arrived yet. */
function tracked<T>(response: PromiseLike<T>): { settled: () => boolean; response: Promise<T> } {
  let settled = false;
  const promise = Promise.resolve(response).finally(() => (settled = true));
  return { settled: () => settled, response: promise };
}

/** Checks that nothing reached the client while `save` is held, then lets the save go on. */
async function expectHeldUntilReleased(save: HeldSave, exchange: { settled: () => boolean }): Promise<void> {
  await save.started;
  await sleep(HELD_FOR_MS);
  expect(exchange.settled()).toBe(false);
  save.release();
}

function sessionsOn(store: SlowStore) {
  return new SessionManager(store, { secret });
}

/** GETs `path` from `app` on a local server, asking for gzip, and returns the raw (undecoded) response. */
async function getRaw(app: (req: IncomingMessage, res: ServerResponse) => void, path: string) {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    return await new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const { port } = server.address() as AddressInfo;
      get({ host: "127.0.0.1", port, path, headers: { "Accept-Encoding": "gzip" } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      }).on("error", reject);
    });
  } finally {
    server.close();
  }
}

describe("the Express middleware's response hold", () => {
  it("is not made of properties on each response: the held methods are inherited", async () => {
    const sessions = sessionsOn(new SlowStore(new MemoryStore()));
    const app = express();
    app.use(sessions.express());
    app.get("/", (_req, res) => {
      res.json(["writeHead", "write", "end", "flushHeaders"].filter((method) => Object.hasOwn(res, method)));
    });
    const response = await request(app).get("/");
    expect(response.body).toEqual([]);
  });

  it("holds a response that a mounted sub-app's route changed and the parent app sent after the sub-app", async () => {
    const store = new SlowStore(new MemoryStore());
    const sessions = sessionsOn(store);
    const app = express();
    const admin = express();
    admin.get("/visit", (req, _res, next) => {
      req.session.set("visited", "admin");
      next();
    });
    app.use(sessions.express());
    app.use("/admin", admin);
    app.get("/admin/visit", (_req, res) => void res.send("sent by the parent"));
    app.get("/read", (req, res) => void res.json({ visited: req.session.get("visited") ?? null }));

    const insert = store.holdNext("insert");
    const visit = tracked(request(app).get("/admin/visit"));
    await expectHeldUntilReleased(insert, visit);
    const response = await visit.response;
    expect(response.text).toBe("sent by the parent");
    const read = await request(app).get("/read").set("Cookie", sessionCookie(response.headers));
    expect(read.body).toEqual({ visited: "admin" });
  });

  it("holds a response whose session middleware is a mounted sub-app's, sent after leaving it", async () => {
    const store = new SlowStore(new MemoryStore());
    const sessions = sessionsOn(store);
    const app = express();
    const area = express();
    area.use(sessions.express());
    area.use((req, _res, next) => {
      req.session.set("seen", true);
      next();
    });
    app.use("/area", area);
    app.get("/area/page", (_req, res) => void res.send("parent"));

    const insert = store.holdNext("insert");
    const page = tracked(request(app).get("/area/page"));
    await expectHeldUntilReleased(insert, page);
    const response = await page.response;
    expect(response.text).toBe("parent");
    expect(sessionCookie(response.headers)).toMatch(/=/);
  });

  it.each([
    ["before", true],
    ["after", false],
  ])("holds a compressed response with compression() registered %s the sessions", async (_order, compressionFirst) => {
    const store = new SlowStore(new MemoryStore());
    const sessions = sessionsOn(store);
    const app = express();
    if (compressionFirst) app.use(compression({ threshold: 0 }));
    app.use(sessions.express());
    if (!compressionFirst) app.use(compression({ threshold: 0 }));
    const body = "sessionrow ".repeat(2_000);
    app.get("/big", (req, res) => {
      req.session.set("big", true);
      res.type("text/plain");
      res.write(body.slice(0, 1_000));
      res.end(body.slice(1_000));
    });

    const insert = store.holdNext("insert");
    const big = tracked(getRaw(app, "/big"));
    await expectHeldUntilReleased(insert, big);
    const response = await big.response;
    expect(response.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(response.body).toString()).toBe(body);
    expect(sessionCookie(response.headers)).toMatch(/=/);
  });

  it("replaces a compressed response whose save failed by the error response, with compression() registered before the sessions", async () => {
    const store = new SlowStore(new MemoryStore());
    const sessions = sessionsOn(store);
    const app = express();
    app.use(compression({ threshold: 0 }));
    app.use(sessions.express());
    app.get("/big", (req, res) => {
      req.session.set("big", true);
      res.type("text/plain").send("sessionrow ".repeat(2_000));
    });
    store.failNext("insert", new Error("database went away"));
    const response = await getRaw(app, "/big");
    expect(response.status).toBe(503);
    expect(response.headers["set-cookie"]).toBeUndefined();
    const body = response.headers["content-encoding"] === "gzip" ? gunzipSync(response.body) : response.body;
    expect(body.toString()).not.toContain("sessionrow sessionrow");
  });

  it("holds one response for two session middlewares, each saving before it is sent", async () => {
    const first = new SlowStore(new MemoryStore());
    const second = new SlowStore(new MemoryStore());
    const app = express();
    app.use(sessionsOn(first).express({ cookie: { name: "first" } }));
    const secondMiddleware = sessionsOn(second).express({ cookie: { name: "second" } });
    app.use((req, res, next) => {
      const firstSession = req.session;
      secondMiddleware(req, res, (error?: unknown) => {
        (req as { secondSession?: unknown }).secondSession = req.session;
        req.session = firstSession;
        next(error);
      });
    });
    app.get("/both", (req, res) => {
      req.session.set("in", "first");
      ((req as unknown as { secondSession: typeof req.session }).secondSession).set("in", "second");
      res.send("both");
    });

    const firstInsert = first.holdNext("insert");
    const secondInsert = second.holdNext("insert");
    const both = tracked(request(app).get("/both"));
    await expectHeldUntilReleased(secondInsert, both);
    await expectHeldUntilReleased(firstInsert, both);
    const response = await both.response;
    expect(response.text).toBe("both");
    expect(sessionCookie(response.headers, "__Host-first")).toMatch(/=/);
    expect(sessionCookie(response.headers, "__Host-second")).toMatch(/=/);
  });

  it("leaves the responses of an app without sessions as they are", async () => {
    const sessions = sessionsOn(new SlowStore(new MemoryStore()));
    const withSessions = express();
    withSessions.use(sessions.express());
    withSessions.get("/", (req, res) => void (req.session.set("x", 1), res.send("with")));
    await request(withSessions).get("/");

    const plain = express();
    plain.get("/", (_req, res) => {
      res.writeHead(201, { "X-Plain": "yes" });
      res.write("plain,");
      res.end("done");
    });
    const response = await request(plain).get("/");
    expect(response.status).toBe(201);
    expect(response.headers["x-plain"]).toBe("yes");
    expect(response.headers["set-cookie"]).toBeUndefined();
    expect(response.text).toBe("plain,done");
  });
});
