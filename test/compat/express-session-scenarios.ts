import { createHash } from "node:crypto";
import { promisify } from "node:util";
import express, { type Request } from "express";
import session from "express-session";
import request from "supertest";
import { SessionManager, type SessionRecord, type SessionStore } from "../../src/index.js";
import { expressSessionStore, type ExpressSessionStoreOptions } from "../../src/express-session.js";
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

/** express-session itself, with the sessionrow store, on the database of `open`. */
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

    function createApp(options: ExpressSessionStoreOptions = {}, sessionOptions: Partial<session.SessionOptions> = {}) {
      const store = expressSessionStore(session, fixture.store, { clock, ...options });
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
      return { app, store };
    }

    it("stores a session under the SHA-256 of its id, and never the id itself", async () => {
      const { app } = createApp();
      const first = await request(app).post("/views");
      const cookie = cookieOf(first);
      const second = await request(app).post("/views").set("Cookie", cookie);
      expect((await request(app).get("/me").set("Cookie", cookie)).body).toEqual({ userId: null, views: 2 });
      const sid = sidOf(cookie);
      const stored = await row(sid);
      expect(stored).toMatchObject({ userId: null, data: { views: 2 } });
      const all: SessionRecord[] = [];
      for await (const record of fixture.store.iterate()) all.push(record);
      expect(JSON.stringify(all)).not.toContain(sid);
      const expires = new Date(second.headers["set-cookie"]![0]!.match(/Expires=([^;]+)/)![1]!).getTime();
      expect(stored!.expiresAt.getTime() - expires).toBeGreaterThanOrEqual(0);
      expect(stored!.expiresAt.getTime() - expires).toBeLessThan(1000);
    });

    it("stores nothing for an untouched visitor (saveUninitialized: false)", async () => {
      const { app } = createApp();
      const response = await request(app).get("/me");
      expect(response.headers["set-cookie"]).toBeUndefined();
    });

    it("regenerate() on login drops the old row; req.session.userId lives in the user foreign key", async () => {
      const { app } = createApp();
      const userId = await fixture.createUser();
      const anonymous = cookieOf(await request(app).post("/views"));
      const login = await request(app).post("/login").set("Cookie", anonymous).send({ userId });
      const loggedIn = cookieOf(login);
      expect(sidOf(loggedIn)).not.toBe(sidOf(anonymous));
      expect(await row(sidOf(anonymous))).toBeNull();
      const stored = await row(sidOf(loggedIn));
      expect(stored?.userId).toBe(userId);
      expect(stored?.data).not.toHaveProperty("userId");
      expect((await request(app).get("/me").set("Cookie", loggedIn)).body).toEqual({ userId, views: 0 });
      expect((await fixture.store.listByUser(userId)).map((record) => record.id)).toEqual([rowIdOf(sidOf(loggedIn))]);
    });

    it("keeps the user id in data with userIdKey: null", async () => {
      const { app } = createApp({ userIdKey: null });
      const cookie = cookieOf(await request(app).post("/login").send({ userId: 424242 }));
      expect(await row(sidOf(cookie))).toMatchObject({ userId: null, data: { userId: 424242 } });
      expect((await request(app).get("/me").set("Cookie", cookie)).body.userId).toBe(424242);
    });

    it("destroy() deletes the row and the old cookie finds nothing", async () => {
      const { app } = createApp();
      const cookie = cookieOf(await request(app).post("/views"));
      await request(app).post("/logout").set("Cookie", cookie).expect(200);
      expect(await row(sidOf(cookie))).toBeNull();
      expect((await request(app).get("/me").set("Cookie", cookie)).body).toEqual({ userId: null, views: 0 });
    });

    it("touches unchanged sessions (rolling) at most once per touchAfter, without a content write", async () => {
      const { app } = createApp({ touchAfter: "1m" }, { rolling: true });
      const cookie = cookieOf(await request(app).post("/views"));
      const saved = (await row(sidOf(cookie)))!;
      clock.advance(30_000);
      const early = await request(app).get("/me").set("Cookie", cookie);
      expect(early.headers["set-cookie"]).toBeDefined();
      expect((await row(sidOf(cookie)))!.lastSeenAt).toEqual(saved.lastSeenAt);
      clock.advance(60_000);
      await request(app).get("/me").set("Cookie", cookie);
      const touched = (await row(sidOf(cookie)))!;
      expect(touched.lastSeenAt.getTime()).toBe(clock.now());
      expect(touched.expiresAt.getTime()).toBeGreaterThanOrEqual(saved.expiresAt.getTime());
      expect(touched.version).toBe(saved.version);
      expect(touched.data).toEqual(saved.data);
    });

    it("saves a cookie-only change (a longer maxAge) made on an otherwise unchanged session", async () => {
      const { app } = createApp();
      const cookie = cookieOf(await request(app).post("/views"));
      await request(app).post("/remember").set("Cookie", cookie).expect(200);
      const stored = (await row(sidOf(cookie)))!;
      expect(stored.expiresAt.getTime()).toBeGreaterThan(Date.now() + 29 * 24 * 60 * MINUTE);
      expect((await request(app).get("/me").set("Cookie", cookie)).body.views).toBe(1);
    });

    it("forgets sessions after their idle and absolute expiry, deleting the rows", async () => {
      const idle = cookieOf(await request(createApp().app).post("/views"));
      const { app } = createApp({ absoluteTimeout: "10m", touchAfter: 0 }, { rolling: true });
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
    });

    it("writes nothing for unchanged sessions under resave: true (the express-session default)", async () => {
      const { app } = createApp({}, { resave: true });
      const cookie = cookieOf(await request(app).post("/views"));
      const saved = (await row(sidOf(cookie)))!;
      for (let i = 0; i < 3; i++) await request(app).get("/me").set("Cookie", cookie);
      expect(await row(sidOf(cookie))).toEqual(saved);
      await request(app).post("/views").set("Cookie", cookie);
      expect((await row(sidOf(cookie)))!.version).toBe(saved.version + 1);
    });

    it("a touch never reverts a save made meanwhile, nor resurrects a destroyed session", async () => {
      const store = expressSessionStore(session, fixture.store, { clock, touchAfter: 0 });
      const get = promisify(store.get.bind(store));
      const set = promisify(store.set.bind(store));
      const touch = promisify(store.touch.bind(store));
      const destroy = promisify(store.destroy.bind(store));
      const cookie = { originalMaxAge: MINUTE, expires: new Date(clock.now() + MINUTE).toISOString() };
      await set("sid-1", { cookie, views: 1 });
      const stale = (await get("sid-1"))!;
      const fresh = (await get("sid-1"))!;
      await set("sid-1", { ...fresh, views: 2 });
      await touch("sid-1", stale);
      expect((await get("sid-1"))?.views).toBe(2);
      await destroy("sid-1");
      await touch("sid-1", stale);
      await set("sid-1", stale).catch(() => undefined);
      expect(await row("sid-1")).toBeNull();
    });

    it("rejects data no database stores alike, and reports store failures as SessionStoreError", async () => {
      const store = expressSessionStore(session, fixture.store, { clock });
      const set = promisify(store.set.bind(store));
      const cookie = { originalMaxAge: MINUTE, expires: new Date(clock.now() + MINUTE).toISOString() };
      await expect(set("sid-nul", { cookie, name: "a\u0000b" })).rejects.toMatchObject({ code: "SESSION_DATA_INVALID", key: "name" });
      expect(await row("sid-nul")).toBeNull();
      jest.spyOn(fixture.store, "load").mockRejectedValueOnce(new Error("connection lost"));
      await expect(promisify(store.get.bind(store))("sid-x")).rejects.toMatchObject({ code: "SESSION_STORE_UNAVAILABLE", status: 503 });
    });

    it("all(), length() and clear() see express-session sessions only, not native ones", async () => {
      const store = expressSessionStore(session, fixture.store, { clock });
      const all = promisify(store.all.bind(store));
      const length = promisify(store.length.bind(store));
      const clear = promisify(store.clear.bind(store));
      const native = new SessionManager(fixture.store, { secret });
      const nativeToken = await simulateRequest(native, null, (s) => void s.set("native", true));
      const { app } = createApp();
      await request(app).post("/views");
      await request(app).post("/views");
      const sessions = await all();
      expect(sessions!.length).toBeGreaterThanOrEqual(2);
      expect(sessions!.every((s) => typeof s.cookie === "object")).toBe(true);
      expect(await length()).toBe(sessions!.length);
      await clear();
      expect(await length()).toBe(0);
      const stillThere = await native.load(nativeToken);
      expect(stillThere.get("native")).toBe(true);
    });
  });
}
