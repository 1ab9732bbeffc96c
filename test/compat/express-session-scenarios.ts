import { createHash } from "node:crypto";
import { promisify } from "node:util";
import express, { type Request } from "express";
import session from "express-session";
import request from "supertest";
import { SessionManager, type SessionManagerOptions, type SessionRecord, type SessionStore } from "../../src/index.js";
import { expressSessionStore, type ExpressSessionStoreOptions } from "../../src/express-session.js";
import { Gate } from "../support/session-app.js";
import { FakeClock } from "../support/fake-clock.js";
import { simulateRequest } from "../support/simulate-request.js";

/** A sessionrow store on a fresh database, for the express-session scenarios. */
export interface ExpressSessionFixture {
  store: SessionStore<number>;
  createUser(): Promise<number>;
  close(): Promise<void>;
}

/** What an app on express-session keeps in `req.session` (express-session's own types are shadowed by sessionrow's). */
type AppSession = session.Session & Partial<session.SessionData> & { views?: number; userId?: number };

const appSession = (req: Request) => req.session as unknown as AppSession;
const secret = "express-session-secret-express-session";
const nativeSecret = "AGHUQDLy5QnmHnMHgZH1YRDQD_oRIzIF6VpOeKzA9fM";
const MINUTE = 60_000;

/** The session id inside express-session's signed cookie (`connect.sid=s:<sid>.<signature>`). */
function sidOf(cookie: string): string {
  const value = decodeURIComponent(cookie.split("=")[1]!);
  return value.slice(2, value.lastIndexOf("."));
}

function cookieOf(response: request.Response): string {
  const cookie = (response.headers["set-cookie"] as unknown as string[] | undefined)?.find((c) => c.startsWith("connect.sid="));
  if (!cookie) throw new Error(`no connect.sid cookie in ${JSON.stringify(response.headers)}`);
  return cookie.split(";")[0]!;
}

const rowIdOf = (sid: string) => createHash("sha256").update(sid).digest("hex");

/** express-session itself, with the sessionrow store on a manager's policy, on the database of `open`. */
export function describeExpressSessionStore(name: string, open: () => Promise<ExpressSessionFixture>): void {
  describe(`express-session on ${name}`, () => {
    let fixture: ExpressSessionFixture;
    let clock: FakeClock;

    beforeAll(async () => {
      fixture = await open();
    });
    afterAll(async () => {
      await fixture?.close();
    });
    beforeEach(() => {
      clock = new FakeClock(Date.now());
    });

    async function row(sid: string): Promise<SessionRecord<number> | null> {
      return (await fixture.store.load(rowIdOf(sid)))?.record ?? null;
    }

    function manager(options: Partial<SessionManagerOptions> = {}) {
      return new SessionManager(fixture.store, { secret: nativeSecret, clock, idleTimeout: "30m", ...options });
    }

    function bridge(options: Partial<SessionManagerOptions> = {}, storeOptions: ExpressSessionStoreOptions = {}) {
      const sessions = manager(options);
      const store = expressSessionStore(session, sessions, storeOptions);
      return {
        sessions,
        store,
        get: promisify(store.get.bind(store)),
        set: promisify(store.set.bind(store)),
        touch: promisify(store.touch.bind(store)),
        destroy: promisify(store.destroy.bind(store)),
      };
    }

    function createApp(
      options: Partial<SessionManagerOptions> = {},
      storeOptions: ExpressSessionStoreOptions = {},
      sessionOptions: Partial<session.SessionOptions> = {},
      gate?: Gate,
    ) {
      const { sessions, store } = bridge(options, storeOptions);
      const app = express();
      app.use(express.json());
      app.use(session({ store, secret, resave: false, saveUninitialized: false, cookie: { maxAge: 30 * MINUTE }, ...sessionOptions }));
      app.post("/login", (req, res, next) => {
        appSession(req).regenerate((error) => {
          if (error) return next(error);
          appSession(req).userId = Number(req.body.userId);
          res.json({ ok: true });
        });
      });
      app.post("/views", (req, res) => {
        const s = appSession(req);
        s.views = (s.views ?? 0) + 1;
        res.json({ views: s.views });
      });
      app.post("/slow-views", async (req, res) => {
        await gate!.pass();
        const s = appSession(req);
        s.views = (s.views ?? 0) + 1;
        res.json({ views: s.views });
      });
      app.get("/slow-me", async (req, res) => {
        await gate!.pass();
        res.json({ userId: appSession(req).userId ?? null });
      });
      app.get("/me", (req, res) => {
        const s = appSession(req);
        res.json({ userId: s.userId ?? null, views: s.views ?? 0 });
      });
      app.post("/remember", (req, res) => {
        appSession(req).cookie.maxAge = 30 * 24 * 60 * MINUTE;
        res.json({ ok: true });
      });
      app.post("/logout", (req, res, next) => {
        appSession(req).destroy((error) => (error ? next(error) : res.json({ ok: true })));
      });
      return { app, store, sessions };
    }

    it("stores a session under the SHA-256 of its id, and never the id itself; the row expires by the manager's idleTimeout", async () => {
      const { app } = createApp();
      const first = await request(app).post("/views");
      const cookie = cookieOf(first);
      await request(app).post("/views").set("Cookie", cookie);
      expect((await request(app).get("/me").set("Cookie", cookie)).body).toEqual({ userId: null, views: 2 });
      const sid = sidOf(cookie);
      const stored = await row(sid);
      expect(stored).toMatchObject({ userId: null, data: { views: 2 } });
      const all: SessionRecord[] = [];
      for await (const record of fixture.store.iterate()) all.push(record);
      expect(JSON.stringify(all)).not.toContain(sid);
      expect(stored!.expiresAt.getTime()).toBe(clock.now() + 30 * MINUTE);
    });

    it("stores nothing for an untouched visitor (saveUninitialized: false)", async () => {
      const { app } = createApp();
      const response = await request(app).get("/me");
      expect(response.headers["set-cookie"]).toBeUndefined();
    });

    it("regenerate() on login drops the old row; req.session.userId lives in the user foreign key; login fires after the write", async () => {
      const { app, sessions } = createApp();
      const logins: unknown[] = [];
      sessions.on("login", (event) => logins.push(event));
      const userId = await fixture.createUser();
      const anonymous = cookieOf(await request(app).post("/views"));
      const login = await request(app).post("/login").set("Cookie", anonymous).send({ userId });
      const loggedIn = cookieOf(login);
      expect(sidOf(loggedIn)).not.toBe(sidOf(anonymous));
      expect(await row(sidOf(anonymous))).toBeNull();
      const stored = await row(sidOf(loggedIn));
      expect(stored?.userId).toBe(userId);
      expect(stored?.data).not.toHaveProperty("userId");
      expect(logins).toEqual([{ id: rowIdOf(sidOf(loggedIn)), userId, previousUserId: null }]);
      expect((await request(app).get("/me").set("Cookie", loggedIn)).body).toEqual({ userId, views: 0 });
      expect((await fixture.store.listByUser(userId)).map((record) => record.id)).toEqual([rowIdOf(sidOf(loggedIn))]);
    });

    it("keeps the user id in data with userIdKey: null", async () => {
      const { app } = createApp({}, { userIdKey: null });
      const cookie = cookieOf(await request(app).post("/login").send({ userId: 424242 }));
      expect(await row(sidOf(cookie))).toMatchObject({ userId: null, data: { userId: 424242 } });
      expect((await request(app).get("/me").set("Cookie", cookie)).body.userId).toBe(424242);
    });

    it("destroy() deletes the row, fires destroyed, and the old cookie finds nothing", async () => {
      const { app, sessions } = createApp();
      const destroyed: string[] = [];
      sessions.on("destroyed", (event) => void destroyed.push(event.id));
      const cookie = cookieOf(await request(app).post("/views"));
      await request(app).post("/logout").set("Cookie", cookie).expect(200);
      expect(await row(sidOf(cookie))).toBeNull();
      expect(destroyed).toEqual([rowIdOf(sidOf(cookie))]);
      expect((await request(app).get("/me").set("Cookie", cookie)).body).toEqual({ userId: null, views: 0 });
    });

    it("touches unchanged sessions (rolling) at most once per the manager's touchAfter, without a content write", async () => {
      const { app } = createApp({ touchAfter: "1m" }, {}, { rolling: true });
      const cookie = cookieOf(await request(app).post("/views"));
      const saved = (await row(sidOf(cookie)))!;
      clock.advance(30_000);
      const early = await request(app).get("/me").set("Cookie", cookie);
      expect(early.headers["set-cookie"]).toBeDefined();
      expect(await row(sidOf(cookie))).toEqual(saved);
      clock.advance(60_000);
      await request(app).get("/me").set("Cookie", cookie);
      const touched = (await row(sidOf(cookie)))!;
      expect(touched.lastSeenAt.getTime()).toBe(clock.now());
      expect(touched.expiresAt.getTime()).toBe(clock.now() + 30 * MINUTE);
      expect(touched.version).toBe(saved.version);
      expect(touched.data).toEqual(saved.data);
    });

    it("saves a cookie-only change (a longer maxAge) made on an otherwise unchanged session", async () => {
      const { app } = createApp({ idleTimeout: "60d", absoluteTimeout: "400d" });
      const cookie = cookieOf(await request(app).post("/views"));
      await request(app).post("/remember").set("Cookie", cookie).expect(200);
      const stored = (await row(sidOf(cookie)))!;
      // express-session recomputes originalMaxAge from its wall-clock expiry: a millisecond may pass.
      const { originalMaxAge } = (stored.data[`$ns:express-session`] as { cookie: { originalMaxAge: number } }).cookie;
      expect(30 * 24 * 60 * MINUTE - originalMaxAge).toBeGreaterThanOrEqual(0);
      expect(30 * 24 * 60 * MINUTE - originalMaxAge).toBeLessThan(1000);
      clock.advance(29 * 24 * 60 * MINUTE);
      expect((await request(app).get("/me").set("Cookie", cookie)).body.views).toBe(1);
    });

    it("forgets sessions after the manager's idle and absolute expiry, and after the cookie's maxAge, deleting the rows", async () => {
      const idle = cookieOf(await request(createApp().app).post("/views"));
      const { app } = createApp({ absoluteTimeout: "10m", idleTimeout: "5m", touchAfter: 0 }, {}, { rolling: true });
      const rolling = cookieOf(await request(app).post("/views"));
      for (let minute = 0; minute < 9; minute++) {
        clock.advance(MINUTE);
        await request(app).get("/me").set("Cookie", rolling);
      }
      expect((await request(app).get("/me").set("Cookie", rolling)).body.views).toBe(1);
      expect((await request(app).get("/me").set("Cookie", idle)).body.views).toBe(1);
      clock.advance(2 * MINUTE);
      expect((await request(app).get("/me").set("Cookie", rolling)).body.views).toBe(0);
      expect(await row(sidOf(rolling))).toBeNull();
      expect(await row(sidOf(idle))).not.toBeNull();
      clock.advance(30 * MINUTE);
      expect((await request(app).get("/me").set("Cookie", idle)).body.views).toBe(0);
      expect(await row(sidOf(idle))).toBeNull();

      const short = createApp({ idleTimeout: "1h" }, {}, { cookie: { maxAge: 5 * MINUTE } });
      const brief = cookieOf(await request(short.app).post("/views"));
      clock.advance(5 * MINUTE);
      expect((await request(short.app).get("/me").set("Cookie", brief)).body.views).toBe(0);
      expect(await row(sidOf(brief))).toBeNull();
    });

    it("writes nothing for unchanged sessions under resave: true (the express-session default)", async () => {
      const { app } = createApp({}, {}, { resave: true });
      const cookie = cookieOf(await request(app).post("/views"));
      const saved = (await row(sidOf(cookie)))!;
      for (let i = 0; i < 3; i++) await request(app).get("/me").set("Cookie", cookie);
      expect(await row(sidOf(cookie))).toEqual(saved);
      await request(app).post("/views").set("Cookie", cookie);
      expect((await row(sidOf(cookie)))!.version).toBe(saved.version + 1);
    });

    it("never re-inserts a session revoked while a slow request that loaded it was running (set and touch)", async () => {
      const userId = await fixture.createUser();
      for (const route of ["/slow-views", "/slow-me"] as const) {
        const gate = new Gate();
        const { app, sessions } = createApp({ touchAfter: 0 }, {}, { rolling: true }, gate);
        const cookie = cookieOf(await request(app).post("/login").send({ userId }));
        const slow = route === "/slow-views" ? request(app).post(route).set("Cookie", cookie) : request(app).get(route).set("Cookie", cookie);
        const response = slow.then((r) => r);
        await gate.entered;
        clock.advance(MINUTE);
        expect(await sessions.revokeForUser(userId)).toBe(1);
        gate.open();
        expect((await response).status).toBe(200);
        expect(await row(sidOf(cookie))).toBeNull();
        expect((await request(app).get("/me").set("Cookie", cookie)).body).toEqual({ userId: null, views: 0 });
      }
    });

    it("treats express-session's millisecond drift of originalMaxAge as no change, and a real maxAge change as one", async () => {
      const { get, set } = bridge();
      await set("sid-6", { cookie: { originalMaxAge: 60_000, path: "/" }, views: 1 });
      const saved = (await row("sid-6"))!;
      await set("sid-6", { ...(await get("sid-6"))!, cookie: { originalMaxAge: 59_999, path: "/" } });
      expect(await row("sid-6")).toEqual(saved);
      await set("sid-6", { ...(await get("sid-6"))!, cookie: { originalMaxAge: 120_000, path: "/" } });
      expect((await row("sid-6"))!.version).toBe(saved.version + 1);
    });

    it("a touch never reverts a save made meanwhile, nor resurrects a destroyed session", async () => {
      const { get, set, touch, destroy } = bridge({ touchAfter: 0 });
      const cookie = { originalMaxAge: MINUTE, expires: new Date(clock.now() + MINUTE).toISOString() };
      await set("sid-1", { cookie, views: 1 });
      const stale = (await get("sid-1"))!;
      const fresh = (await get("sid-1"))!;
      await set("sid-1", { ...fresh, views: 2 });
      clock.advance(1000);
      await touch("sid-1", stale);
      expect((await get("sid-1"))?.views).toBe(2);
      await destroy("sid-1");
      await touch("sid-1", stale);
      expect(await row("sid-1")).toBeNull();
    });

    it("set() after get() and destroy() of the same id stores it again (a request that reads, destroys, then saves)", async () => {
      const { get, set, destroy } = bridge();
      await set("sid-5", { cookie: { originalMaxAge: null }, views: 1 });
      expect((await get("sid-5"))?.views).toBe(1);
      await destroy("sid-5");
      await set("sid-5", { cookie: { originalMaxAge: null }, views: 2 });
      expect((await get("sid-5"))?.views).toBe(2);
    });

    it("set() after destroy() of the same id stores it again, in this process and in another", async () => {
      const here = bridge();
      const elsewhere = bridge();
      await here.set("sid-2", { cookie: { originalMaxAge: null }, views: 1 });
      await here.destroy("sid-2");
      await here.set("sid-2", { cookie: { originalMaxAge: null }, views: 2 });
      expect((await here.get("sid-2"))?.views).toBe(2);
      await here.set("sid-2", { cookie: { originalMaxAge: null }, views: 2 });
      await elsewhere.destroy("sid-2");
      expect(await here.get("sid-2")).toBeNull();
      await here.set("sid-2", { cookie: { originalMaxAge: null }, views: 3 });
      expect((await elsewhere.get("sid-2"))?.views).toBe(3);
    });

    it("gives back a session stored without a cookie exactly as it was given, and with one as express-session expects", async () => {
      const { get, set } = bridge();
      await set("sid-3", { name: "Ada", nested: { list: [1, "two", null] } });
      expect(await get("sid-3")).toEqual({ name: "Ada", nested: { list: [1, "two", null] } });
      await set("sid-4", { cookie: { originalMaxAge: MINUTE, httpOnly: true, path: "/" }, n: 1 });
      expect(await get("sid-4")).toEqual({
        n: 1,
        cookie: { originalMaxAge: MINUTE, httpOnly: true, path: "/", expires: new Date(clock.now() + MINUTE).toISOString() },
      });
    });

    it("inherits the manager's maxDataBytes, storeTimeout and created event", async () => {
      const { get, set, sessions } = bridge({ maxDataBytes: 200, storeTimeout: 1000 });
      const created: string[] = [];
      sessions.on("created", (event) => void created.push(event.id));
      await expect(set("sid-big", { big: "x".repeat(300) })).rejects.toMatchObject({ code: "SESSION_DATA_INVALID", key: "big" });
      expect(await row("sid-big")).toBeNull();
      await set("sid-small", { small: 1 });
      expect(created).toEqual([rowIdOf("sid-small")]);
      jest.spyOn(fixture.store, "load").mockImplementationOnce(() => new Promise(() => undefined));
      await expect(get("sid-small")).rejects.toMatchObject({ code: "SESSION_STORE_UNAVAILABLE", status: 503 });
    });

    it("rejects data no database stores alike, and reports store failures as SessionStoreError", async () => {
      const { get, set } = bridge();
      await expect(set("sid-nul", { name: "a\u0000b" })).rejects.toMatchObject({ code: "SESSION_DATA_INVALID", key: "name" });
      expect(await row("sid-nul")).toBeNull();
      jest.spyOn(fixture.store, "load").mockRejectedValueOnce(new Error("connection lost"));
      await expect(get("sid-x")).rejects.toMatchObject({ code: "SESSION_STORE_UNAVAILABLE", status: 503 });
    });

    it("all(), length() and clear() see express-session sessions only, not native ones", async () => {
      const { store, sessions } = createApp();
      const all = promisify(store.all.bind(store));
      const length = promisify(store.length.bind(store));
      const clear = promisify(store.clear.bind(store));
      await clear();
      const nativeToken = await simulateRequest(sessions, null, (s) => void s.set("native", true));
      const { app } = createApp();
      await request(app).post("/views");
      await request(app).post("/views");
      const found = await all();
      expect(found).toHaveLength(2);
      expect(found!.map((s) => s.views)).toEqual([1, 1]);
      expect(found!.every((s) => typeof s.cookie === "object")).toBe(true);
      expect(await length()).toBe(2);
      await clear();
      expect(await length()).toBe(0);
      const stillThere = await sessions.load(nativeToken);
      expect(stillThere.get("native")).toBe(true);
    });

    it("hands an express-session session over to sessionrow's middleware without logging anybody out", async () => {
      const userId = await fixture.createUser();
      const { app: old, sessions } = createApp();
      const legacy = cookieOf(await request(old).post("/login").send({ userId }));
      await request(old).post("/views").set("Cookie", legacy);
      const app = express();
      app.use(sessions.express({ adoptExpressSession: { secret } }));
      app.get("/me", (req, res) => {
        res.json({ userId: req.session.userId, views: req.session.get("views") ?? null, keys: req.session.keys() });
      });
      const adopted = await request(app).get("/me").set("Cookie", legacy);
      expect(adopted.body).toEqual({ userId, views: 1, keys: ["views"] });
      const setCookies = adopted.headers["set-cookie"] as unknown as string[];
      expect(setCookies.find((c) => c.startsWith("connect.sid=;"))).toMatch(/Expires=Thu, 01 Jan 1970/);
      const native = setCookies.find((c) => c.startsWith("__Host-sessionrow="))!.split(";")[0]!;
      expect(await row(sidOf(legacy))).toBeNull();
      const [record] = await fixture.store.listByUser(userId);
      expect(record!.data).toEqual({ views: 1 });
      expect((await request(app).get("/me").set("Cookie", native)).body).toEqual({ userId, views: 1, keys: ["views"] });
      const replayed = await request(app).get("/me").set("Cookie", legacy);
      expect(replayed.body).toEqual({ userId: null, views: null, keys: [] });
      const forged = `connect.sid=${encodeURIComponent(`s:${sidOf(legacy)}.forged`)}`;
      expect((await request(app).get("/me").set("Cookie", forged)).body.userId).toBeNull();
    });
  });
}
