import { SessionManager, type SessionStore } from "../../src/index.js";
import { sqlStoreTargets, type OpenedStore } from "../support/sql-stores.js";
import type { StartAdapter, SuiteManager } from "./apps/adapter-server.js";

const secret = "Hn4uQ2r8Zt1Wk6Pb0Ys3Ld7Jf5Gc9Xv2Mq4Ea8Tn1Rz";
const COOKIE = "__Host-sessionrow";
/** The stores the suite runs on: PostgreSQL with each ORM. */
const TARGETS = sqlStoreTargets.filter((target) => target.name.endsWith("on PostgreSQL"));

/** A store that counts the calls reaching it, and fails every call while `down`. */
function instrumented(store: SessionStore<number, { id: number }>) {
  const state = { calls: 0, down: false };
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        state.calls++;
        if (state.down) return Promise.reject(new Error("connection refused"));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: proxy, state };
}

/** The session cookie a response set: its value, or `""` when it clears the cookie; `undefined` when none. */
function sessionCookieOf(response: Response): string | undefined {
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith(`${COOKIE}=`));
  return cookie === undefined ? undefined : cookie.slice(COOKIE.length + 1, cookie.indexOf(";"));
}

/**
 * The HTTP behaviour every framework adapter must have, through real HTTP against a real PostgreSQL
 * database with each ORM: what a user of any adapter relies on.
 */
export function describeAdapterBehaviour(name: string, start: StartAdapter): void {
  describe.each(TARGETS.map((target) => [target.name, target] as const))(`${name} adapter, %s`, (_store, target) => {
    let opened: OpenedStore;
    let state: { calls: number; down: boolean };
    let server: { url: string; close(): Promise<void> };
    let manager: SuiteManager;

    beforeAll(async () => {
      opened = await target.open();
      const wrapped = instrumented(opened.store);
      state = wrapped.state;
      manager = new SessionManager(wrapped.store, { secret });
      server = await start(manager);
    });
    afterAll(async () => {
      await server?.close();
      await opened?.close();
    });
    afterEach(() => {
      state.down = false;
    });

    const get = (path: string, cookie?: string) =>
      fetch(`${server.url}${path}`, { redirect: "manual", headers: cookie === undefined ? {} : { cookie: `${COOKIE}=${cookie}` } });
    const post = (path: string, cookie?: string) =>
      fetch(`${server.url}${path}`, {
        method: "POST",
        redirect: "manual",
        headers: { "sec-fetch-site": "same-origin", ...(cookie === undefined ? {} : { cookie: `${COOKIE}=${cookie}` }) },
      });

    async function newSession(): Promise<string> {
      const response = await get("/set/start");
      expect(response.status).toBe(200);
      return sessionCookieOf(response)!;
    }

    it("logs in with a redirect whose next request sees the user; the cookie from before the login is dead", async () => {
      const userId = await opened.createUser();
      const anonymous = await newSession();
      const login = await post(`/login/${userId}`, anonymous);
      expect(login.status).toBe(303);
      expect(login.headers.get("location")).toMatch(/\/me$/);
      const loggedIn = sessionCookieOf(login)!;
      expect(loggedIn).toMatch(/^[\w-]{43}\.[\w-]{43}$/);
      expect(loggedIn).not.toBe(anonymous);
      expect(await (await get("/me", loggedIn)).json()).toEqual({ userId });
      const old = await get("/me", anonymous);
      expect(await old.json()).toEqual({ userId: null });
    });

    it("keeps all 100 keys set by 100 parallel requests on one session", async () => {
      const cookie = await newSession();
      const responses = await Promise.all(Array.from({ length: 100 }, (_, i) => get(`/set/k${i}`, cookie)));
      expect(responses.map((response) => response.status)).toEqual(Array(100).fill(200));
      const keys = (await (await get("/keys", cookie)).json()) as string[];
      expect(keys).toEqual(["start", ...Array.from({ length: 100 }, (_, i) => `k${i}`)].sort());
    });

    it("answers a tampered cookie with a fresh session, a clearing cookie and no database call", async () => {
      const cookie = await newSession();
      const tampered = `${cookie.slice(0, -1)}${cookie.endsWith("A") ? "B" : "A"}`;
      const before = state.calls;
      const response = await get("/keys", tampered);
      expect(await response.json()).toEqual([]);
      expect(state.calls - before).toBe(0);
      expect(sessionCookieOf(response)).toBe("");
    });

    it("logout clears the cookie and kills the session", async () => {
      const userId = await opened.createUser();
      const loggedIn = sessionCookieOf(await post(`/login/${userId}`, await newSession()))!;
      const logout = await post("/logout", loggedIn);
      expect(logout.status).toBe(200);
      expect(sessionCookieOf(logout)).toBe("");
      expect(await (await get("/me", loggedIn)).json()).toEqual({ userId: null });
      expect(await manager.listForUser(userId)).toEqual([]);
    });

    it("answers 503 while the database is down, without a session cookie, the route's headers or the database's words, and recovers", async () => {
      const cookie = await newSession();
      state.down = true;
      const load = await get("/keys", cookie);
      expect(load.status).toBe(503);
      const insert = await get("/set/during-outage");
      expect(insert.status).toBe(503);
      expect(sessionCookieOf(insert)).toBeUndefined();
      const decorated = await get("/decorated");
      expect(decorated.status).toBe(503);
      expect(decorated.headers.getSetCookie()).toEqual([]);
      expect(decorated.headers.get("location")).toBeNull();
      expect(decorated.headers.get("cache-control")).toBe("no-store");
      for (const response of [load, insert, decorated]) expect(await response.text()).not.toContain("connection refused");
      state.down = false;
      expect(await (await get("/keys", cookie)).json()).toEqual(["start"]);
      const working = await get("/decorated");
      expect(working.headers.get("location")).toBe("/elsewhere");
      expect(working.headers.getSetCookie().map((c) => c.split("=")[0]).sort()).toEqual([COOKIE, "remember"]);
    });
  });
}
