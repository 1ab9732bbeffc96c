import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import autocannon from "autocannon";
import request from "supertest";
import { SessionManager, type SessionManagerOptions } from "../../src/index.js";
import { FakeClock } from "../support/fake-clock.js";
import { createSessionApp, Gate, sessionCookie } from "../support/session-app.js";
import { sqlStoreTargets, type OpenedStore } from "../support/sql-stores.js";

const secret = "Y2Ogyub1dTNEV3zAx6kNPzrmX8NcmCMLZPvxk1SbB0Y";

describe.each(sqlStoreTargets.map((target) => [target.name, target] as const))("concurrency on %s", (_name, target) => {
  let opened: OpenedStore;

  beforeAll(async () => {
    opened = await target.open();
  });
  afterAll(async () => {
    await opened?.close();
  });

  function app(options: Partial<SessionManagerOptions> = {}, gates?: Map<string, Gate>) {
    const manager = new SessionManager(opened.store, { secret, ...options });
    return { manager, app: createSessionApp(manager, gates) };
  }

  async function newSession(server: ReturnType<typeof app>["app"]): Promise<string> {
    return sessionCookie((await request(server).get("/set/start")).headers);
  }

  it("keeps every key when 100 parallel requests each set a distinct key", async () => {
    const { app: server } = app();
    const cookie = await newSession(server);
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) => request(server).get(`/set/k${String(i).padStart(3, "0")}`).set("Cookie", cookie)),
    );
    expect(responses.filter((r) => r.status === 200)).toHaveLength(100);
    const keys = (await request(server).get("/keys").set("Cookie", cookie)).body as string[];
    expect(keys).toHaveLength(101);
  });

  // Embedded PGlite belongs to one process: there is no database for a second process to share,
  // so the multi-process test exists only for server databases.
  if (target.multiProcess) it("keeps every key set from 4 separate processes sharing the database", async () => {
    const { app: server } = app();
    const cookie = await newSession(server);
    const children = await Promise.all(Array.from({ length: 4 }, () => startServerProcess(opened.childEnv!)));
    try {
      await Promise.all(
        children.flatMap((child, p) =>
          Array.from({ length: 25 }, (_, i) =>
            fetch(`http://127.0.0.1:${child.port}/set/p${p}-${i}`, { headers: { cookie } }).then((r) => {
              expect(r.status).toBe(200);
            }),
          ),
        ),
      );
    } finally {
      await Promise.all(children.map((child) => child.stop()));
    }
    const keys = (await request(server).get("/keys").set("Cookie", cookie)).body as string[];
    expect(keys).toHaveLength(101);
  });

  /** Sends `paths` so that every request has loaded the session before any of them changes it. */
  async function inLockstep(server: ReturnType<typeof app>["app"][], gates: Map<string, Gate>, cookie: string, paths: string[]) {
    const names = paths.map((_, i) => `g${i}`);
    for (const name of names) gates.set(name, new Gate());
    const responses = paths.map((path, i) =>
      request(server[i % server.length]!).get(`/held/${names[i]}${path}`).set("Cookie", cookie).then((r) => r),
    );
    await Promise.all(names.map((name) => gates.get(name)!.entered));
    for (const name of names) gates.get(name)!.open();
    return Promise.all(responses);
  }

  it('answers conflicting writes to the same key with 409 under conflict: "error"', async () => {
    const gates = new Map<string, Gate>();
    const { app: server } = app({ conflict: "error" }, gates);
    const cookie = await newSession(server);
    const responses = await inLockstep([server], gates, cookie, ["/set-count/1", "/set-count/2", "/set-count/3"]);
    expect(responses.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    expect(responses.find((r) => r.status === 409)!.body.code).toBe("SESSION_CONFLICT");
  });

  it("counts every increment of 10 connections x 5,000 requests on one session", async () => {
    const { app: server } = app();
    const cookie = await newSession(server);
    const listening = server.listen(0, "127.0.0.1");
    await once(listening, "listening");
    try {
      const result = await autocannon({
        url: `http://127.0.0.1:${(listening.address() as AddressInfo).port}/increment`,
        connections: 10,
        amount: 5000,
        headers: { cookie },
      });
      const ok = result["2xx"];
      const count = (await request(server).get("/get/count").set("Cookie", cookie)).body.value;
      expect(result.errors).toBe(0);
      expect(ok + result.non2xx).toBe(5000);
      expect(count).toBe(ok);
      expect(ok).toBeGreaterThan(4900);
      console.info(`increments: ${ok}/5000 answered 2xx, counter ${count}, ${result.requests.average} req/s`);
    } finally {
      await closeServer(listening);
    }
  }, 120_000);

  it("keeps all 100 items of a cart built by parallel update() calls", async () => {
    const { app: server } = app();
    const cookie = await newSession(server);
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) => request(server).get(`/cart/item${i}`).set("Cookie", cookie)),
    );
    expect(responses.every((r) => r.status === 200)).toBe(true);
    const cart = (await request(server).get("/get/cart").set("Cookie", cookie)).body.value as string[];
    expect(cart.sort()).toEqual(Array.from({ length: 100 }, (_, i) => `item${i}`).sort());
  });

  it("leaves the session unchanged when an updater throws", async () => {
    const { app: server } = app();
    const cookie = await newSession(server);
    await request(server).get("/increment").set("Cookie", cookie);
    const failed = await request(server).get("/failing-update").set("Cookie", cookie);
    expect(failed.status).toBe(500);
    expect((await request(server).get("/get/count").set("Cookie", cookie)).body.value).toBe(1);
  });

  it("turns contention past the retry bound into 409, never a silent loss", async () => {
    // Two managers act as two processes: saves within one manager are combined, across them they collide.
    const gates = new Map<string, Gate>();
    const servers = [app({ maxSaveAttempts: 1 }, gates).app, app({ maxSaveAttempts: 1 }, gates).app];
    const cookie = await newSession(servers[0]!);
    const responses = await inLockstep(servers, gates, cookie, Array.from({ length: 6 }, () => "/increment"));
    const ok = responses.filter((r) => r.status === 200).length;
    expect(responses.filter((r) => r.status === 409).length).toBe(6 - ok);
    expect(ok).toBeGreaterThan(0);
    expect(ok).toBeLessThan(6);
    expect((await request(servers[0]!).get("/get/count").set("Cookie", cookie)).body.value).toBe(ok);
  });

  describe("no resurrection", () => {
    it.each([
      ["logout", "save"],
      ["logout", "touch"],
      ["revokeForUser", "save"],
      ["revokeForUser", "touch"],
    ])("a session destroyed by %s while a request is in flight is not brought back by its %s", async (how, late) => {
      const gates = new Map([["g", new Gate()]]);
      const clock = new FakeClock(Date.now());
      const { app: server, manager } = app({ touchAfter: 1, clock }, gates);
      const userId = await opened.createUser();
      const cookie = sessionCookie((await request(server).get(`/login/${userId}`)).headers);
      const inFlight = request(server)
        .get(late === "save" ? "/held/g/set/late" : "/held/g/read")
        .set("Cookie", cookie)
        .then((r) => r);
      await gates.get("g")!.entered;
      if (how === "logout") await request(server).get("/logout").set("Cookie", cookie);
      else expect(await manager.revokeForUser(userId)).toBe(1);
      clock.advance(2); // a touch is due
      gates.get("g")!.open();
      expect((await inFlight).status).toBe(200);
      expect(await manager.listForUser(userId)).toEqual([]);
      const after = await request(server).get("/keys").set("Cookie", cookie);
      expect(after.body).toEqual([]);
    });
  });
});

interface ServerProcess {
  port: number;
  stop(): Promise<void>;
}

async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "test/support/session-server.ts"], {
    env: { ...process.env, ...env, SESSIONROW_TEST_SECRET: secret, NODE_OPTIONS: "" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [line] = (await Promise.race([
    once(child.stdout!, "data"),
    once(child, "exit").then(([code]) => {
      throw new Error(`session server exited with ${code} before listening`);
    }),
  ])) as [Buffer];
  const port = Number(line.toString().trim());
  if (!port) throw new Error(`session server did not start: ${line}`);
  return {
    port,
    stop: async () => {
      child.kill("SIGTERM");
      await once(child, "exit");
    },
  };
}

async function closeServer(server: Server): Promise<void> {
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
