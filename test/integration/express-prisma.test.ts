import express, { type ErrorRequestHandler } from "express";
import request from "supertest";
import { SessionManager, SessionStoreError } from "../../src/index.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";
import { sessionCookie } from "../support/session-app.js";

const secret = "AsEXlCqDeCMZVeNhJ1moGlphg-cWdZYeOxOsDB11amE";
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

function createApp(sessions = SessionManager.fromPrisma(db.prisma, { secret }), options: Parameters<typeof sessions.express>[0] = {}) {
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.use(sessions.express(options));
  app.post("/login", async (req, res) => {
    const user = await db.prisma.user.findUniqueOrThrow({ where: { email: String(req.body.email) } });
    await req.session.setUser(user, { keep: ["views"] });
    res.redirect("/me");
  });
  app.get("/me", async (req, res) => {
    const user = await req.session.user();
    res.json({ user, views: req.session.get("views") ?? 0 });
  });
  app.post("/logout", async (req, res) => {
    await req.session.destroy();
    res.redirect("/me");
  });
  app.get("/count", (req, res) => {
    const views = req.session.update("views", (n) => ((n as number | undefined) ?? 0) + 1);
    res.json({ views });
  });
  app.get("/set/:key", (req, res) => {
    req.session.set(req.params.key, true);
    res.send("ok");
  });
  app.get("/keys", (req, res) => {
    res.json(req.session.keys().sort());
  });
  app.get("/stream", (req, res) => {
    req.session.set("streamed", true);
    res.write("a");
    res.write("b");
    res.end("c");
  });
  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    res.status(error.status ?? 500).json({ code: error.code, name: error.name });
  };
  app.use(onError);
  return { app, sessions };
}

describe("Express middleware on PostgreSQL (Prisma)", () => {
  beforeAll(async () => {
    await db.prisma.user.createMany({
      data: [
        { email: "ada@example.com", name: "Ada" },
        { email: "grace@example.com", name: "Grace" },
      ],
    });
  });

  it("logs in, redirects, and the next request sees the typed user", async () => {
    const { app } = createApp();
    const login = await request(app).post("/login").type("form").send({ email: "ada@example.com" });
    expect(login.status).toBe(302);
    const cookie = sessionCookie(login.headers);
    expect(login.headers["set-cookie"]![0]).toMatch(/HttpOnly/);
    expect(login.headers["set-cookie"]![0]).toMatch(/SameSite=Lax/);
    expect(login.headers["set-cookie"]![0]).toMatch(/Path=\//);
    const me = await request(app).get("/me").set("Cookie", cookie);
    expect(me.body.user).toMatchObject({ email: "ada@example.com", name: "Ada" });
  });

  it("counts visits per browser session", async () => {
    const { app } = createApp();
    const first = await request(app).get("/count");
    expect(first.body.views).toBe(1);
    const cookie = sessionCookie(first.headers);
    for (let expected = 2; expected <= 4; expected++) {
      const next = await request(app).get("/count").set("Cookie", cookie);
      expect(next.body.views).toBe(expected);
      expect(next.headers["set-cookie"]).toBeUndefined();
    }
    const other = await request(app).get("/count");
    expect(other.body.views).toBe(1);
  });

  it("kills the old cookie when setUser rotates the token", async () => {
    const { app } = createApp();
    const anonymous = sessionCookie((await request(app).get("/count")).headers);
    const login = await request(app).post("/login").set("Cookie", anonymous).type("form").send({ email: "grace@example.com" });
    const loggedIn = sessionCookie(login.headers);
    expect(loggedIn).not.toBe(anonymous);
    const old = await request(app).get("/me").set("Cookie", anonymous);
    expect(old.body).toEqual({ user: null, views: 0 });
    const current = await request(app).get("/me").set("Cookie", loggedIn);
    expect(current.body).toMatchObject({ user: { name: "Grace" }, views: 1 });
  });

  it("answers a tampered cookie with a fresh session and no query", async () => {
    const { app } = createApp();
    const cookie = sessionCookie((await request(app).post("/login").type("form").send({ email: "ada@example.com" })).headers);
    const tampered = cookie.slice(0, -3) + (cookie.endsWith("A") ? "BBB" : "AAA");
    const queries: string[] = [];
    const counting = SessionManager.fromPrisma(db.prisma, { secret });
    const load = counting.store.load.bind(counting.store);
    counting.store.load = (...args) => {
      queries.push(args[0]);
      return load(...args);
    };
    const { app: countingApp } = createApp(counting);
    const response = await request(countingApp).get("/me").set("Cookie", tampered);
    expect(response.body).toEqual({ user: null, views: 0 });
    expect(queries).toEqual([]);
    expect(response.headers["set-cookie"]?.[0]).toMatch(/^__Host-sessionrow=;.*Expires=Thu, 01 Jan 1970/);
  });

  it("logout destroys the session row and clears the cookie", async () => {
    const { app } = createApp();
    const cookie = sessionCookie((await request(app).post("/login").type("form").send({ email: "ada@example.com" })).headers);
    const before = await db.prisma.session.count();
    const logout = await request(app).post("/logout").set("Cookie", cookie);
    expect(logout.headers["set-cookie"]?.[0]).toMatch(/^__Host-sessionrow=;/);
    expect(await db.prisma.session.count()).toBe(before - 1);
    expect((await request(app).get("/me").set("Cookie", cookie)).body.user).toBeNull();
  });

  it("keeps all keys set by 20 parallel requests on one session", async () => {
    const { app } = createApp();
    const cookie = sessionCookie((await request(app).get("/set/start")).headers);
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => request(app).get(`/set/key${i}`).set("Cookie", cookie)),
    );
    expect(responses.every((r) => r.status === 200)).toBe(true);
    const keys = await request(app).get("/keys").set("Cookie", cookie);
    expect(keys.body).toEqual(["start", ...Array.from({ length: 20 }, (_, i) => `key${i}`)].sort());
  });

  it("saves before a streamed response is sent", async () => {
    const { app } = createApp();
    const response = await request(app).get("/stream");
    expect(response.text).toBe("abc");
    const keys = await request(app).get("/keys").set("Cookie", sessionCookie(response.headers));
    expect(keys.body).toEqual(["streamed"]);
  });

  it("carries the token in Authorization: Bearer with the header transport", async () => {
    const { app } = createApp(undefined, { transport: "header" });
    const first = await request(app).get("/count");
    const token = first.headers["x-session-token"] as string;
    expect(token).toMatch(/^[\w-]{43}\.[\w-]{43}$/);
    expect(first.headers["set-cookie"]).toBeUndefined();
    const second = await request(app).get("/count").set("Authorization", `Bearer ${token}`);
    expect(second.body.views).toBe(2);
  });

  it("stores no cookie or header token anywhere in the session table, only hashes", async () => {
    const cookieApp = createApp().app;
    const headerApp = createApp(undefined, { transport: "header" }).app;
    const issued: string[] = [];
    for (const email of ["ada@example.com", "grace@example.com"]) {
      const login = await request(cookieApp).post("/login").type("form").send({ email });
      issued.push(decodeURIComponent(sessionCookie(login.headers).split("=")[1]!));
      const counted = await request(headerApp).get("/count");
      issued.push(counted.headers["x-session-token"] as string);
    }
    const dump = JSON.stringify(await db.prisma.$queryRawUnsafe('SELECT * FROM "Session"'));
    expect(dump.length).toBeGreaterThan(100);
    for (const signed of issued) {
      const [token, signature] = signed.split(".") as [string, string];
      expect(token).toHaveLength(43);
      expect(dump).not.toContain(token);
      expect(dump).not.toContain(signature);
      expect(dump).not.toContain(Buffer.from(token, "base64url").toString("hex"));
    }
  });

  it("passes a store failure to Express as a 503 SessionStoreError, without crashing", async () => {
    const sessions = SessionManager.fromPrisma(db.prisma, { secret });
    const { app } = createApp(sessions);
    const cookie = sessionCookie((await request(app).get("/count")).headers);
    const failures: unknown[] = [];
    const onUnhandled = (reason: unknown) => failures.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      sessions.store.load = () => Promise.reject(new Error("connection terminated"));
      const onLoad = await request(app).get("/count").set("Cookie", cookie);
      expect(onLoad.status).toBe(503);
      expect(onLoad.body).toEqual({ code: "SESSION_STORE_UNAVAILABLE", name: SessionStoreError.name });
      sessions.store.updateIfVersion = () => Promise.reject(new Error("connection terminated"));
      delete (sessions.store as { load?: unknown }).load;
      const onSave = await request(app).get("/count").set("Cookie", cookie);
      expect(onSave.status).toBe(503);
      await new Promise((resolve) => setImmediate(resolve));
      expect(failures).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});
