import http from "node:http";
import type { AddressInfo } from "node:net";
import express, { type ErrorRequestHandler, type Express } from "express";
import request from "supertest";
import {
  MemoryStore,
  SessionConfigError,
  SessionManager,
  type ExpressSessionOptions,
  type RequestHeaders,
  type SessionMiddleware,
  type SessionTransport,
  type TokenAction,
  type TokenTransport,
} from "../../src/index.js";
import { PrismaStore } from "../../src/prisma.js";
import { countingStore } from "../support/counting-store.js";
import { FakeClock } from "../support/fake-clock.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";
import { Gate, sessionCookie } from "../support/session-app.js";
import { SlowStore } from "../support/slow-store.js";

const secret = "jTbhv-tJxD5gOySAymE8okaQp-k2AnMXdW6mhaDLj48";
/** A signed token as a client holds it: `<token>.<signature>`. */
const SIGNED_TOKEN = /^[\w-]{43}\.[\w-]{43}$/;
/** The FakeClock starts at 2026-01-01 12:00:00 UTC; the default absolute timeout is 7 days. */
const ABSOLUTE_EXPIRY = new Date("2026-01-08T12:00:00.000Z");
const ABSOLUTE_EXPIRY_HTTP = "Thu, 08 Jan 2026 12:00:00 GMT";
const EPOCH_HTTP = "Thu, 01 Jan 1970 00:00:00 GMT";
/** How long a test waits to be sure that nothing reached the client while a save is held. */
const HELD_FOR_MS = 150;

let db: TestDatabase;
let userId: number;

beforeAll(async () => {
  db = await createTestDatabase();
  userId = (await db.prisma.user.create({ data: { email: "ada@example.com", name: "Ada" } })).id;
});
afterAll(async () => {
  await db?.drop();
});

describe("Express middleware options over HTTP", () => {
  describe("a slow save holds the whole response", () => {
    it("sends no status line, header or body until the insert of a new session has finished", async () => {
      const timeline: string[] = [];
      const store = new SlowStore(new PrismaStore<number>(db.prisma), timeline);
      const sessions = new SessionManager(store, { secret });
      const insert = store.holdNext("insert");
      await withServer(createApp(sessions.express()), async (port) => {
        const exchange = rawRequest(port, "GET", "/set/colour?value=blue", {}, timeline);
        await within(insert.started, "the insert");
        await sleep(HELD_FOR_MS);
        expect(timeline).toEqual(["insert started"]);
        insert.release();
        const head = await within(exchange.head, "the response head");
        expect(await within(exchange.body, "the response body")).toBe('{"saved":"colour"}');
        expect(timeline).toEqual(["insert started", "insert saved", "first byte", "response", "body end"]);
        expect(head.status).toBe(200);
        const cookie = sessionCookie(head.headers);
        expect((await client(port).get("/get/colour").set("Cookie", cookie)).body).toEqual({ value: "blue" });
      });
    });

    it("holds a redirect after setUser() until the login is saved, so the next request sees the user", async () => {
      const timeline: string[] = [];
      const store = new SlowStore(new PrismaStore<number>(db.prisma), timeline);
      const sessions = new SessionManager(store, { secret });
      await withServer(createApp(sessions.express()), async (port) => {
        const anonymous = sessionCookie((await client(port).get("/set/cart?value=1")).headers);
        timeline.length = 0;
        const update = store.holdNext("updateIfVersion");
        const exchange = rawRequest(port, "POST", `/login/${userId}`, { Cookie: anonymous }, timeline);
        await within(update.started, "the update");
        await sleep(HELD_FOR_MS);
        expect(timeline).toEqual(["updateIfVersion started"]);
        update.release();
        const head = await within(exchange.head, "the response head");
        await within(exchange.body, "the response body");
        expect(timeline).toEqual(["updateIfVersion started", "updateIfVersion saved", "first byte", "response", "body end"]);
        expect(head.status).toBe(302);
        expect(head.headers.location).toBe("/me");
        const loggedIn = sessionCookie(head.headers);
        expect(loggedIn).not.toBe(anonymous);
        expect((await client(port).get("/me").set("Cookie", loggedIn)).body.userId).toBe(userId);
        expect((await client(port).get("/me").set("Cookie", anonymous)).body).toEqual({ userId: null, cart: null });
      });
    });

    it("holds every write of a streamed response until the save has finished", async () => {
      const timeline: string[] = [];
      const store = new SlowStore(new PrismaStore<number>(db.prisma), timeline);
      const sessions = new SessionManager(store, { secret });
      const insert = store.holdNext("insert");
      await withServer(createApp(sessions.express()), async (port) => {
        const exchange = rawRequest(port, "GET", "/stream", {}, timeline);
        await within(insert.started, "the insert");
        await sleep(HELD_FOR_MS);
        expect(timeline).toEqual(["insert started"]);
        insert.release();
        const head = await within(exchange.head, "the response head");
        expect(await within(exchange.body, "the response body")).toBe("abc");
        expect(timeline).toEqual(["insert started", "insert saved", "first byte", "response", "body end"]);
        expect(head.status).toBe(200);
        expect(head.headers["transfer-encoding"]).toBe("chunked");
        const cookie = sessionCookie(head.headers);
        expect((await client(port).get("/get/streamed").set("Cookie", cookie)).body).toEqual({ value: true });
      });
    });

    it("replays the held start of a stream after the save and lets the rest of it through", async () => {
      const timeline: string[] = [];
      const store = new SlowStore(new PrismaStore<number>(db.prisma), timeline);
      const sessions = new SessionManager(store, { secret });
      const insert = store.holdNext("insert");
      const rest = new Gate();
      await withServer(createApp(sessions.express(), rest), async (port) => {
        const exchange = rawRequest(port, "GET", "/stream-in-parts", {}, timeline);
        await within(insert.started, "the insert");
        await within(rest.entered, "the second part of the stream");
        await sleep(HELD_FOR_MS);
        expect(timeline).toEqual(["insert started"]);
        insert.release();
        const head = await within(exchange.head, "the response head");
        expect(timeline).toEqual(["insert started", "insert saved", "first byte", "response"]);
        expect(head.status).toBe(200);
        expect(sessionCookie(head.headers)).toMatch(/^__Host-sessionrow=/);
        rest.open();
        expect(await within(exchange.body, "the response body")).toBe("first|second");
      });
    });
  });

  describe("a failed save becomes the error handler's response", () => {
    it("answers 503 with the JSON error, without the session cookie or any of the original body", async () => {
      const store = new SlowStore(new PrismaStore<number>(db.prisma));
      const sessions = new SessionManager(store, { secret });
      const rowsBefore = await db.prisma.session.count();
      store.failNext("insert", new Error("disk full"));
      const response = await request(createApp(sessions.express())).get("/created");
      expect(response.status).toBe(503);
      expect(response.text).toBe(
        JSON.stringify({ code: "SESSION_STORE_UNAVAILABLE", name: "SessionStoreError", message: "Session store failed: disk full" }),
      );
      expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
      expect(response.headers["content-length"]).toBe(String(Buffer.byteLength(response.text)));
      expect(response.headers["set-cookie"]).toBeUndefined();
      expect(response.text).not.toContain("original");
      expect(store.calls).toEqual(["insert"]);
      expect(await db.prisma.session.count()).toBe(rowsBefore);
    });

    it("answers 413 for data over maxDataBytes and 409 for a login of a user id that is no user row, storing nothing", async () => {
      const sessions = new SessionManager(new PrismaStore<number>(db.prisma), { secret, maxDataBytes: 64 });
      const app = createApp(sessions.express());
      const rowsBefore = await db.prisma.session.count();

      const tooLarge = await request(app).get(`/set/note?value=${"x".repeat(100)}`);
      expect(tooLarge.status).toBe(413);
      expect(tooLarge.body).toMatchObject({ code: "SESSION_DATA_INVALID", name: "SessionDataError" });
      expect(tooLarge.headers["set-cookie"]).toBeUndefined();

      const unknownUser = await request(app).get("/login/2000000000");
      expect(unknownUser.status).toBe(409);
      expect(unknownUser.body).toMatchObject({ code: "SESSION_DATA_INVALID", name: "SessionDataError" });
      expect(unknownUser.headers["set-cookie"]).toBeUndefined();
      expect(unknownUser.headers.location).toBeUndefined();
      expect(await db.prisma.session.count()).toBe(rowsBefore);
    });

    it("drops a redirect after setUser() when the login cannot be saved: no Location, no new cookie, row unchanged", async () => {
      const store = new SlowStore(new PrismaStore<number>(db.prisma));
      const sessions = new SessionManager(store, { secret });
      const app = createApp(sessions.express());
      const cookie = sessionCookie((await request(app).get("/set/cart?value=2")).headers);
      const id = (await request(app).get("/info").set("Cookie", cookie)).body.id as string;
      const before = await db.prisma.session.findUniqueOrThrow({ where: { id } });
      store.failNext("updateIfVersion", new Error("connection reset"));
      const login = await request(app).post(`/login/${userId}`).set("Cookie", cookie);
      expect(login.status).toBe(503);
      expect(login.body).toEqual({
        code: "SESSION_STORE_UNAVAILABLE",
        name: "SessionStoreError",
        message: "Session store failed: connection reset",
      });
      expect(login.headers.location).toBeUndefined();
      expect(login.headers["set-cookie"]).toBeUndefined();
      expect(await db.prisma.session.findUniqueOrThrow({ where: { id } })).toEqual(before);
      expect(before.version).toBe(0);
      expect(before.userId).toBeNull();
      expect((await request(app).get("/me").set("Cookie", cookie)).body).toEqual({ userId: null, cart: "2" });
    });

    it("drops the held chunks of a streamed response", async () => {
      const store = new SlowStore(new PrismaStore<number>(db.prisma));
      const sessions = new SessionManager(store, { secret });
      store.failNext("insert", new Error("disk full"));
      const response = await request(createApp(sessions.express())).get("/stream");
      expect(response.status).toBe(503);
      expect(response.body).toEqual({ code: "SESSION_STORE_UNAVAILABLE", name: "SessionStoreError", message: "Session store failed: disk full" });
      expect(response.headers["transfer-encoding"]).toBeUndefined();
      expect(response.headers["set-cookie"]).toBeUndefined();
    });
  });

  describe("cookie options", () => {
    it("defaults to a Secure, HttpOnly, SameSite=Lax __Host- cookie on Path=/ that expires with the session, not cacheable", async () => {
      const { sessions } = memorySessions();
      const app = createApp(sessions.express());
      const response = await request(app).get("/set/colour?value=blue");
      const cookie = onlySetCookie(response.headers);
      expect(cookie.name).toBe("__Host-sessionrow");
      expect(cookie.value).toMatch(SIGNED_TOKEN);
      expect(cookie.attributes).toEqual({ Path: "/", Expires: ABSOLUTE_EXPIRY_HTTP, HttpOnly: true, Secure: true, SameSite: "Lax" });
      expect(response.headers["cache-control"]).toBe("no-store");
      expect(response.headers.vary).toBe("Cookie");
      const info = await request(app).get("/info").set("Cookie", `__Host-sessionrow=${cookie.value}`);
      expect(info.body.absoluteExpiresAt).toBe(ABSOLUTE_EXPIRY.toISOString());
      expect(info.headers["set-cookie"]).toBeUndefined();
      expect(info.headers["cache-control"]).toBeUndefined();
      const unprefixed = await request(app).get("/get/colour").set("Cookie", `sessionrow=${cookie.value}`);
      expect(unprefixed.body).toEqual({ value: null });
    });

    it("keeps the session cookie, Vary: Cookie and no-store next to the headers a route passes to writeHead", async () => {
      const { sessions } = memorySessions();
      const app = express();
      app.use(sessions.express());
      app.get("/raw", (req, res) => {
        req.session.set("a", 1);
        res.setHeader("Vary", "Origin");
        res.writeHead(200, {
          "Set-Cookie": "theme=dark; Path=/",
          "Content-Type": "text/plain",
          "Cache-Control": "public, max-age=600",
          Vary: "Accept-Encoding",
        });
        res.end("ok");
      });
      const response = await request(app).get("/raw");
      expect(response.headers.vary).toBe("Origin, Cookie, Accept-Encoding");
      expect(response.headers["cache-control"]).toBe("no-store");
      const cookies = response.headers["set-cookie"] as unknown as string[];
      expect(cookies.map((cookie) => cookie.split("=")[0])).toEqual(["theme", "__Host-sessionrow"]);
    });

    it("turns Secure and the __Host- prefix off with secure: false (local HTTP development), and warns when a Secure cookie goes to a remote plain-HTTP client", async () => {
      const { sessions } = memorySessions();
      const local = onlySetCookie((await request(createApp(sessions.express({ cookie: { secure: false } }))).get("/set/a")).headers);
      expect(local.name).toBe("sessionrow");
      expect(local.attributes).toEqual({ Path: "/", Expires: ABSOLUTE_EXPIRY_HTTP, HttpOnly: true, SameSite: "Lax" });
      const warn = jest.spyOn(process, "emitWarning").mockImplementation(() => undefined);
      try {
        const app = createApp(sessions.express());
        await request(app).get("/set/a");
        await request(app).get("/set/a").set("Host", "app.example").set("X-Forwarded-Proto", "https");
        expect(warn).not.toHaveBeenCalled();
        await request(app).get("/set/a").set("Host", "app.example");
        await request(app).get("/set/a").set("Host", "app.example");
        expect(warn).toHaveBeenCalledTimes(1);
        expect(warn.mock.calls[0]![0]).toMatch(/^sessionrow set a Secure cookie on a plain-HTTP request to app\.example: browsers drop it/);
      } finally {
        warn.mockRestore();
      }
    });

    it("refuses hostPrefix at express() time unless the cookie is secure, on Path=/ and without Domain", () => {
      const { sessions } = memorySessions();
      expect(() => sessions.express({ cookie: { hostPrefix: true, secure: false } })).toThrow(SessionConfigError);
      expect(() => sessions.express({ cookie: { hostPrefix: true, secure: true, path: "/app" } })).toThrow(SessionConfigError);
      expect(() => sessions.express({ cookie: { hostPrefix: true, secure: true, domain: "example.test" } })).toThrow(SessionConfigError);
    });

    it('refuses sameSite "none" without secure, and sends SameSite=None; Secure with it', async () => {
      const { sessions } = memorySessions();
      expect(() => sessions.express({ cookie: { sameSite: "none", secure: false } })).toThrow(SessionConfigError);
      const app = createApp(sessions.express({ cookie: { sameSite: "none", secure: true } }));
      const cookie = onlySetCookie((await request(app).get("/set/a")).headers);
      expect(cookie.name).toBe("__Host-sessionrow");
      expect(cookie.attributes).toEqual({ Path: "/", Expires: ABSOLUTE_EXPIRY_HTTP, HttpOnly: true, Secure: true, SameSite: "None" });
    });

    it("sends a browser-session cookie (no Expires, no Max-Age) with persistent: false; the session still lives", async () => {
      const { sessions } = memorySessions();
      const app = createApp(sessions.express({ cookie: { persistent: false } }));
      const cookie = onlySetCookie((await request(app).get("/set/colour?value=blue")).headers);
      expect(cookie.attributes).toEqual({ Path: "/", HttpOnly: true, Secure: true, SameSite: "Lax" });
      const next = await request(app).get("/get/colour").set("Cookie", `__Host-sessionrow=${cookie.value}`);
      expect(next.body).toEqual({ value: "blue" });
    });

    it("sends Domain, a custom name and a custom path, and reads the cookie back under the custom name", async () => {
      const { sessions } = memorySessions();
      const app = createApp(sessions.express({ cookie: { name: "app_sid", domain: "example.test", path: "/app" } }));
      const cookie = onlySetCookie((await request(app).get("/set/colour?value=blue")).headers);
      expect(cookie.name).toBe("app_sid");
      expect(cookie.value).toMatch(SIGNED_TOKEN);
      expect(cookie.attributes).toEqual({
        Domain: "example.test",
        Path: "/app",
        Expires: ABSOLUTE_EXPIRY_HTTP,
        HttpOnly: true,
        Secure: true,
        SameSite: "Lax",
      });
      expect((await request(app).get("/get/colour").set("Cookie", `app_sid=${cookie.value}`)).body).toEqual({ value: "blue" });
      expect((await request(app).get("/get/colour").set("Cookie", `sessionrow=${cookie.value}`)).body).toEqual({ value: null });
    });

    it.each<[string, ExpressSessionOptions["cookie"]]>([
      ["default options", {}],
      ["name, domain, path, secure and strict", { name: "sid", domain: "example.test", path: "/app", secure: true, sameSite: "strict" }],
      ["persistent: false", { persistent: false }],
    ])("logout clears the cookie with the attributes it was set with (%s)", async (_label, options) => {
      const { sessions } = memorySessions();
      const app = createApp(sessions.express({ cookie: options }));
      const set = onlySetCookie((await request(app).get("/set/colour?value=blue")).headers);
      const logout = await request(app).get("/logout").set("Cookie", `${set.name}=${set.value}`);
      expect(logout.body).toEqual({ loggedOut: true });
      const cleared = onlySetCookie(logout.headers);
      expect(cleared.name).toBe(set.name);
      expect(cleared.value).toBe("");
      const { Expires: _expires, ...setAttributes } = set.attributes;
      expect(cleared.attributes).toEqual({ ...setAttributes, Expires: EPOCH_HTTP });
      const after = await request(app).get("/get/colour").set("Cookie", `${set.name}=${set.value}`);
      expect(after.body).toEqual({ value: null });
    });
  });

  describe("header transport", () => {
    it("returns a new token in the named response header and reads it from the named request header", async () => {
      const { sessions } = memorySessions();
      const app = createApp(
        sessions.express({ transport: "header", header: { header: "x-api-session", responseHeader: "X-New-Token" } }),
      );
      const first = await request(app).get("/set/colour?value=blue");
      const token = first.headers["x-new-token"] as string;
      expect(token).toMatch(SIGNED_TOKEN);
      expect(first.headers["x-session-token"]).toBeUndefined();
      expect(first.headers["set-cookie"]).toBeUndefined();

      const next = await request(app).get("/get/colour").set("x-api-session", token);
      expect(next.body).toEqual({ value: "blue" });
      expect(next.headers["x-new-token"]).toBeUndefined();
      const bearer = await request(app).get("/get/colour").set("Authorization", `Bearer ${token}`);
      expect(bearer.body).toEqual({ value: null });

      const logout = await request(app).get("/logout").set("x-api-session", token);
      expect(logout.headers["x-new-token"]).toBe("");
      expect((await request(app).get("/get/colour").set("x-api-session", token)).body).toEqual({ value: null });
    });

    it('reads "Authorization: Bearer" and answers in X-Session-Token by default', async () => {
      const { sessions } = memorySessions();
      const app = createApp(sessions.express({ transport: "header" }));
      const first = await request(app).get("/set/colour?value=blue");
      const token = first.headers["x-session-token"] as string;
      expect(token).toMatch(SIGNED_TOKEN);
      expect(first.headers["set-cookie"]).toBeUndefined();
      expect((await request(app).get("/get/colour").set("Authorization", `Bearer ${token}`)).body).toEqual({ value: "blue" });
      expect((await request(app).get("/get/colour").set("Authorization", token)).body).toEqual({ value: null });
      const logout = await request(app).get("/logout").set("Authorization", `Bearer ${token}`);
      expect(logout.headers["x-session-token"]).toBe("");
    });
  });

  describe("transports of one's own", () => {
    it("calls a SessionTransport's setToken with the signed token and the absolute expiry, and with null on logout", async () => {
      const { sessions } = memorySessions();
      const calls: { token: string | null; expiresAt: Date; headersSent: boolean }[] = [];
      const queryTransport: SessionTransport = {
        getToken: (req) => new URL(req.url ?? "/", "http://localhost").searchParams.get("sid") ?? undefined,
        setToken: (res, token, expiresAt) => {
          calls.push({ token, expiresAt, headersSent: res.headersSent });
          res.setHeader("X-Sid", token ?? "");
        },
      };
      const app = createApp(sessions.express({ transport: queryTransport }));
      const first = await request(app).get("/set/colour?value=blue");
      const token = first.headers["x-sid"] as string;
      expect(token).toMatch(SIGNED_TOKEN);
      expect(calls).toEqual([{ token, expiresAt: ABSOLUTE_EXPIRY, headersSent: false }]);

      const next = await request(app).get(`/get/colour?sid=${token}`);
      expect(next.body).toEqual({ value: "blue" });
      expect(next.headers["x-sid"]).toBeUndefined();
      expect(calls).toHaveLength(1);

      const logout = await request(app).get(`/logout?sid=${token}`);
      expect(logout.headers["x-sid"]).toBe("");
      expect(calls).toEqual([
        { token, expiresAt: ABSOLUTE_EXPIRY, headersSent: false },
        { token: null, expiresAt: new Date(0), headersSent: false },
      ]);
      expect((await request(app).get(`/get/colour?sid=${token}`)).body).toEqual({ value: null });
    });

    it("asks a TokenTransport for the headers of every commit's action and adds them to the app's own", async () => {
      const { sessions } = memorySessions();
      const actions: TokenAction[] = [];
      const tokenTransport: TokenTransport = {
        readToken: (headers) => headerOf(headers, "x-custom-token"),
        responseHeaders: (action) => {
          actions.push(action);
          if (action.type === "set") return [["X-Custom-Token", action.token], ["Set-Cookie", "custom=issued; Path=/"]];
          if (action.type === "clear") return [["X-Custom-Token", "forget"]];
          return [];
        },
      };
      const app = createApp(sessions.express({ transport: tokenTransport }));
      const first = await request(app).get("/theme");
      const token = first.headers["x-custom-token"] as string;
      expect(token).toMatch(SIGNED_TOKEN);
      expect(first.headers["set-cookie"]).toEqual(["theme=dark; Path=/", "custom=issued; Path=/"]);
      expect(actions).toEqual([{ type: "set", token, expiresAt: ABSOLUTE_EXPIRY }]);

      const next = await request(app).get("/get/theme").set("x-custom-token", token);
      expect(next.body).toEqual({ value: "dark" });
      expect(next.headers["x-custom-token"]).toBeUndefined();
      expect(next.headers["set-cookie"]).toBeUndefined();

      const logout = await request(app).get("/logout").set("x-custom-token", token);
      expect(logout.headers["x-custom-token"]).toBe("forget");
      expect(actions).toEqual([{ type: "set", token, expiresAt: ABSOLUTE_EXPIRY }, { type: "none" }, { type: "clear" }]);
    });
  });

  describe("readOnly", () => {
    it("reads under /ro, refuses changes there with a 500, and never writes or touches the row, even when a touch is due", async () => {
      const clock = new FakeClock();
      const { store, calls } = countingStore(new PrismaStore<number>(db.prisma));
      const sessions = new SessionManager(store, { secret, clock });
      const app = createApp(sessions.express({ readOnly: (req) => req.url?.startsWith("/ro/") ?? false }));
      const cookie = sessionCookie((await request(app).get("/set/colour?value=blue")).headers);
      expect((await request(app).get("/set/size?value=L").set("Cookie", cookie)).status).toBe(200);
      const id = (await request(app).get("/ro/info").set("Cookie", cookie)).body.id as string;
      const row = await db.prisma.session.findUniqueOrThrow({ where: { id } });
      expect(row.version).toBe(1);
      expect(row.data).toEqual({ colour: "blue", size: "L" });

      clock.advance(5 * 60_000); // well past touchAfter (1 minute by default)
      let before = calls();
      const read = await request(app).get("/ro/get/colour").set("Cookie", cookie);
      expect(read.body).toEqual({ value: "blue" });
      expect(read.headers["set-cookie"]).toBeUndefined();
      expect(calls() - before).toBe(1); // the load, nothing else
      expect(await db.prisma.session.findUniqueOrThrow({ where: { id } })).toEqual(row);

      for (const change of ["/ro/set/colour?value=red", "/ro/logout", `/ro/login/${userId}`]) {
        before = calls();
        const refused = await request(app).get(change).set("Cookie", cookie);
        expect(refused.status).toBe(500);
        expect(refused.body).toMatchObject({ code: "SESSION_STATE_INVALID", name: "SessionStateError" });
        expect(refused.headers["set-cookie"]).toBeUndefined();
        expect(calls() - before).toBe(1);
      }
      const after = await db.prisma.session.findUniqueOrThrow({ where: { id } });
      expect(after).toEqual(row);
      expect(after.version).toBe(1);

      // The same visit outside /ro/ is touched: the touch skipped above was due.
      before = calls();
      expect((await request(app).get("/get/colour").set("Cookie", cookie)).body).toEqual({ value: "blue" });
      expect(calls() - before).toBe(2); // load + touch
      const touched = await db.prisma.session.findUniqueOrThrow({ where: { id } });
      expect(touched.lastSeenAt).toEqual(new Date(clock.now()));
      expect(touched.version).toBe(1);
    });
  });

  describe("client info", () => {
    it("records the address (through Express's trust proxy) and User-Agent of the request that creates a session, and reads no address later", async () => {
      const sessions = new SessionManager(new MemoryStore(), { secret });
      const app = createApp(sessions.express());
      app.set("trust proxy", true);
      let ipReads = 0;
      const ip = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(app.request), "ip")!;
      Object.defineProperty(app.request, "ip", {
        get(this: unknown) {
          ipReads++;
          return ip.get!.call(this) as unknown;
        },
      });
      const cookie = sessionCookie((await request(app).get("/set/colour?value=blue").set("X-Forwarded-For", "203.0.113.8").set("User-Agent", "agent/2")).headers);
      expect(ipReads).toBe(1);
      const id = (await request(app).get("/info").set("Cookie", cookie).set("X-Forwarded-For", "198.51.100.1")).body.id as string;
      expect(ipReads).toBe(1); // a stored session's request has no use for the address
      const record = await sessions.store.load(id);
      expect(record?.record).toMatchObject({ ipAddress: "203.0.113.8", userAgent: "agent/2" });
    });
  });

  describe("tokens that lead nowhere", () => {
    it("answers a tampered cookie with a clearing cookie and no store call", async () => {
      const { store, calls } = countingStore(new PrismaStore<number>(db.prisma));
      const sessions = new SessionManager(store, { secret });
      const app = createApp(sessions.express());
      const value = onlySetCookie((await request(app).get("/set/colour?value=blue")).headers).value;
      const tampered = [
        `${value.slice(0, 44)}${value[44] === "A" ? "B" : "A"}${value.slice(45)}`, // signature
        `${value[0] === "A" ? "B" : "A"}${value.slice(1)}`, // token
        "not-a-token",
      ];
      for (const cookie of tampered) {
        const before = calls();
        const response = await request(app).get("/get/colour").set("Cookie", `__Host-sessionrow=${cookie}`);
        expect(response.body).toEqual({ value: null });
        expect(calls() - before).toBe(0);
        const cleared = onlySetCookie(response.headers);
        expect(cleared).toEqual({
          name: "__Host-sessionrow",
          value: "",
          attributes: { Path: "/", Expires: EPOCH_HTTP, HttpOnly: true, Secure: true, SameSite: "Lax" },
        });
      }
    });

    it("uses the real cookie when a sibling subdomain tossed a second one of the same name, and clears neither", async () => {
      const { sessions } = memorySessions();
      const app = createApp(sessions.express());
      const value = onlySetCookie((await request(app).get("/set/colour?value=blue")).headers).value;
      for (const header of [`__Host-sessionrow=junk; __Host-sessionrow=${value}`, `__Host-sessionrow=${value}; __Host-sessionrow=junk`]) {
        const response = await request(app).get("/get/colour").set("Cookie", header);
        expect(response.body).toEqual({ value: "blue" });
        expect(response.headers["set-cookie"]).toBeUndefined();
      }
      const tossed = await request(app).get("/get/colour").set("Cookie", "__Host-sessionrow=junk; __Host-sessionrow=more-junk");
      expect(tossed.body).toEqual({ value: null });
      expect(tossed.headers["set-cookie"]).toBeUndefined();
    });

    it("leaves the cookie alone for a validly signed token without a row, after one load", async () => {
      const { store, calls } = countingStore(new PrismaStore<number>(db.prisma));
      const sessions = new SessionManager(store, { secret });
      const app = createApp(sessions.express());
      const unknown = sessions.signedToken(sessions.create());
      const before = calls();
      const response = await request(app).get("/get/colour").set("Cookie", `__Host-sessionrow=${unknown}`);
      expect(response.body).toEqual({ value: null });
      expect(response.headers["set-cookie"]).toBeUndefined();
      expect(calls() - before).toBe(1);
    });
  });
});

/** A manager on a MemoryStore with a FakeClock, for the tests a database adds nothing to. */
function memorySessions() {
  const clock = new FakeClock();
  return { clock, sessions: new SessionManager(new MemoryStore<number>(), { secret, clock }) };
}

/**
 * The app under test. Every route exists both at `/x` and at `/ro/x` (for the readOnly option).
 * `rest` holds `/stream-in-parts` between its two writes.
 */
function caught(handler: (req: express.Request, res: express.Response) => Promise<void>): express.RequestHandler {
  return (req, res, next) => void handler(req, res).catch(next);
}

function createApp(middleware: SessionMiddleware, rest?: Gate): Express {
  const app = express();
  app.use(middleware);
  const both = (path: string) => [path, `/ro${path}`];
  app.get(both("/set/:key"), (req, res) => {
    req.session.set(String(req.params.key), typeof req.query.value === "string" ? req.query.value : true);
    res.json({ saved: req.params.key });
  });
  app.get(both("/get/:key"), (req, res) => {
    res.json({ value: req.session.get(String(req.params.key)) ?? null });
  });
  app.get(both("/info"), (req, res) => {
    res.json({ id: req.session.id, version: req.session.version, absoluteExpiresAt: req.session.absoluteExpiresAt.toISOString() });
  });
  // Express 4 does not pass a rejected async handler to the error handler: `caught` does (Express 5 too).
  app.all(both("/login/:userId"), caught(async (req, res) => {
    await req.session.setUser(Number(req.params.userId));
    res.redirect("/me");
  }));
  app.get("/me", (req, res) => {
    res.json({ userId: req.session.userId, cart: req.session.get("cart") ?? null });
  });
  app.get(both("/logout"), caught(async (req, res) => {
    await req.session.destroy();
    res.json({ loggedOut: true });
  }));
  app.get("/created", (req, res) => {
    req.session.set("order", 42);
    res.status(201).json({ order: 42, note: "original body" });
  });
  app.get("/theme", (req, res) => {
    req.session.set("theme", "dark");
    res.cookie("theme", "dark");
    res.json({ theme: "dark" });
  });
  app.get("/stream", (req, res) => {
    req.session.set("streamed", true);
    res.write("a");
    res.write("b");
    res.end("c");
  });
  app.get("/stream-in-parts", async (req, res) => {
    req.session.set("streamed", true);
    res.write("first|");
    await rest!.pass();
    res.end("second");
  });
  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    res.status(error.status ?? 500).json({ code: error.code, name: error.name, message: error.message });
  };
  app.use(onError);
  return app;
}

/** One `Set-Cookie` of a response, which must have sent exactly one, split into name, value and attributes. */
function onlySetCookie(headers: Record<string, unknown>): { name: string; value: string; attributes: Record<string, string | true> } {
  const cookies = headers["set-cookie"] as string[] | undefined;
  expect(cookies).toHaveLength(1);
  const [pair, ...attributes] = cookies![0]!.split("; ");
  const equals = pair!.indexOf("=");
  return {
    name: pair!.slice(0, equals),
    value: decodeURIComponent(pair!.slice(equals + 1)),
    attributes: Object.fromEntries(
      attributes.map((attribute) => {
        const at = attribute.indexOf("=");
        return at === -1 ? [attribute, true] : [attribute.slice(0, at), attribute.slice(at + 1)];
      }),
    ),
  };
}

function headerOf(headers: RequestHeaders, name: string): string | undefined {
  if (typeof headers.get === "function") return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  const value = (headers as Record<string, string | readonly string[] | undefined>)[name];
  return typeof value === "string" ? value : value?.[0];
}

/** Runs `use` against the app listening on an ephemeral port. */
async function withServer(app: Express, use: (port: number) => Promise<void>): Promise<void> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    await use((server.address() as AddressInfo).port);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/**
 * A request with a bare `http.request`, writing into `timeline` when the first byte of the response
 * arrives, when its status line and headers are parsed ("response") and when its body ends.
 */
function rawRequest(port: number, method: string, path: string, headers: Record<string, string>, timeline: string[]) {
  let resolveHead!: (head: { status: number; headers: http.IncomingHttpHeaders }) => void;
  let resolveBody!: (body: string) => void;
  let fail!: (error: unknown) => void;
  const head = new Promise<{ status: number; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    resolveHead = resolve;
    fail = reject;
  });
  const body = new Promise<string>((resolve, reject) => {
    resolveBody = resolve;
    head.catch(reject);
  });
  const req = http.request({ host: "127.0.0.1", port, method, path, headers, agent: false });
  req.on("socket", (socket) => socket.prependOnceListener("data", () => timeline.push("first byte")));
  req.on("response", (res) => {
    timeline.push("response");
    resolveHead({ status: res.statusCode!, headers: res.headers });
    let text = "";
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => (text += chunk));
    res.on("end", () => {
      timeline.push("body end");
      resolveBody(text);
    });
  });
  req.on("error", fail);
  req.end();
  // A test that fails before awaiting these must not add an unhandled rejection to its report.
  head.catch(() => {});
  body.catch(() => {});
  return { head, body };
}

/** supertest against the listening server. */
function client(port: number) {
  return request(`http://127.0.0.1:${port}`);
}

/** `promise`, or a failure naming `what` after 5 s: a broken hold must fail its test, not hang it. */
async function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`waited 5 s for ${what}`)), 5_000);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
