import { randomBytes } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";
import { TcpProxy } from "../support/tcp-proxy.js";
import { ByteCountingRelay } from "./nextjs/byte-counting-relay.js";
import { assertExampleBuilt, startNextServer, type NextServer } from "./nextjs/next-server.js";

const COOKIE = "__Host-sessionrow";

/** The session cookie a response set: its value, or `""` when it clears the cookie; `undefined` when none. */
function sessionCookieOf(response: Response): string | undefined {
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith(`${COOKIE}=`));
  return cookie === undefined ? undefined : cookie.slice(COOKIE.length + 1, cookie.indexOf(";"));
}

/**
 * The Next.js example (examples/nextjs, built by CI with `next build`) served by `next start`, through
 * the same HTTP behaviour as every adapter (test/adapters/adapter-behaviour.ts) on PostgreSQL with
 * Prisma. Its database connections run through a relay that counts what the app sends and a proxy
 * that can cut them.
 */
describe("Next.js example (App Router, Prisma on PostgreSQL)", () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let relay: ByteCountingRelay;
  let server: NextServer;

  beforeAll(async () => {
    assertExampleBuilt();
    db = await createTestDatabase();
    const target = new URL(db.url);
    proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
    relay = await ByteCountingRelay.start({ host: "127.0.0.1", port: proxy.port });
    const appUrl = new URL(db.url);
    appUrl.hostname = "127.0.0.1";
    appUrl.port = String(relay.port);
    server = await startNextServer({ DATABASE_URL: appUrl.toString(), SESSION_SECRET: randomBytes(32).toString("base64url") });
  }, 40_000);
  afterAll(async () => {
    await server?.stop();
    await relay?.close();
    await proxy?.close();
    await db?.drop();
  });
  afterEach(() => {
    proxy?.restore();
  });

  const cookieHeader = (cookie?: string): Record<string, string> => (cookie === undefined ? {} : { cookie: `${COOKIE}=${cookie}` });
  const get = (path: string, cookie?: string) => fetch(`${server.url}${path}`, { redirect: "manual", headers: cookieHeader(cookie) });
  const post = (path: string, cookie?: string) =>
    fetch(`${server.url}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: { "sec-fetch-site": "same-origin", ...cookieHeader(cookie) },
    });
  const createUser = async () => (await db.prisma.user.create({ data: { email: `${randomBytes(6).toString("hex")}@example.com`, name: "Ada" } })).id;

  async function newSession(): Promise<string> {
    const response = await get("/set/start");
    expect(response.status).toBe(200);
    return sessionCookieOf(response)!;
  }

  it("logs in with a redirect whose next request sees the user; the cookie from before the login is dead", async () => {
    const userId = await createUser();
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

  it("answers a tampered cookie with a fresh session, a clearing cookie and not one byte to the database", async () => {
    const cookie = await newSession();
    const tampered = `${cookie.slice(0, -1)}${cookie.endsWith("A") ? "B" : "A"}`;
    let before = relay.bytesFromClients;
    await get("/keys", cookie);
    expect(relay.bytesFromClients).toBeGreaterThan(before); // the relay does see the app's statements
    before = relay.bytesFromClients;
    const response = await get("/keys", tampered);
    expect(await response.json()).toEqual([]);
    expect(relay.bytesFromClients - before).toBe(0);
    expect(sessionCookieOf(response)).toBe("");
  });

  it("logout clears the cookie and kills the session", async () => {
    const userId = await createUser();
    const loggedIn = sessionCookieOf(await post(`/login/${userId}`, await newSession()))!;
    const logout = await post("/logout", loggedIn);
    expect(logout.status).toBe(200);
    expect(sessionCookieOf(logout)).toBe("");
    expect(await (await get("/me", loggedIn)).json()).toEqual({ userId: null });
    expect(await db.prisma.session.count({ where: { userId } })).toBe(0);
  });

  it("answers 503 while the database is down, without a session cookie, and recovers without a restart", async () => {
    const cookie = await newSession();
    proxy.refuse();
    const load = await get("/keys", cookie);
    expect(load.status).toBe(503);
    expect(await load.json()).toEqual({ code: "SESSION_STORE_UNAVAILABLE" });
    const insert = await get("/set/during-outage");
    expect(insert.status).toBe(503);
    expect(sessionCookieOf(insert)).toBeUndefined();
    proxy.restore();
    expect(await (await get("/keys", cookie)).json()).toEqual(["start"]);
    expect(server.process.exitCode).toBeNull();
  });

  it("refuses a POST from another site (403) and leaves its session alone", async () => {
    const userId = await createUser();
    const loggedIn = sessionCookieOf(await post(`/login/${userId}`, await newSession()))!;
    const forged = await fetch(`${server.url}/logout`, {
      method: "POST",
      headers: { origin: "https://evil.example", ...cookieHeader(loggedIn) },
    });
    expect(forged.status).toBe(403);
    expect(sessionCookieOf(forged)).toBeUndefined();
    expect(await (await get("/me", loggedIn)).json()).toEqual({ userId });
  });

  /** Submits a form of the page as a browser without JavaScript does: the server action's id travels as a field. */
  async function submitAction(page: string, fields: Record<string, string>, cookie?: string): Promise<Response> {
    const actionId = /name="\$ACTION_ID_(\w+)"/.exec(page)?.[1];
    expect(actionId).toBeDefined();
    const form = new FormData();
    form.append(`$ACTION_ID_${actionId}`, "");
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    return fetch(`${server.url}/`, { method: "POST", redirect: "manual", body: form, headers: { origin: server.url, ...cookieHeader(cookie) } });
  }

  it("signs in with the server action, shows the user in the Server Component, and signs out", async () => {
    const email = `${randomBytes(6).toString("hex")}@example.com`;
    const anonymousPage = await get("/");
    expect(sessionCookieOf(anonymousPage)).toBeUndefined();
    const login = await submitAction(await anonymousPage.text(), { email });
    expect(login.status).toBe(303);
    const cookie = sessionCookieOf(login)!;
    expect(cookie).toMatch(/^[\w-]{43}\.[\w-]{43}$/);

    const page = await get("/", cookie);
    const html = await page.text();
    expect(html).toContain(`Signed in as ${email.split("@")[0]} (${email})`);
    expect(html).toContain("signedInAt");
    expect(sessionCookieOf(page)).toBeUndefined(); // read-only: a Server Component sets no cookie
    const { id: userId } = await db.prisma.user.findUniqueOrThrow({ where: { email } });
    expect(await (await get("/me", cookie)).json()).toEqual({ userId });

    const logout = await submitAction(html, {}, cookie);
    expect(logout.status).toBe(303);
    expect(sessionCookieOf(logout)).toBe("");
    expect(await db.prisma.session.count({ where: { userId } })).toBe(0);
  });
});
