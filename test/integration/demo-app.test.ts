import type { Express } from "express";
import request from "supertest";
import { createDemoApp } from "../../src/demo/app.js";
import type { DemoSessionData } from "../../src/demo/demo-session.js";
import { seedDemoUsers } from "../../src/demo/demo-users.js";
import { SessionManager } from "../../src/index.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";

let db: TestDatabase;
let app: Express;
let userIds: Record<string, number>;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedDemoUsers(db.prisma);
  await db.prisma.user.create({ data: { email: "mallory@example.com", name: "<script>alert(1)</script>" } });
  userIds = Object.fromEntries((await db.prisma.user.findMany()).map((user) => [user.name, user.id]));
  const sessions = SessionManager.fromPrisma<DemoSessionData, typeof db.prisma>(db.prisma, {
    secret: "8iICVKF_zdNlEOHiZefVGNJZ7h2I7l8AFdKn1ZufYcs",
  });
  app = createDemoApp(sessions, db.prisma, { databaseLabel: "PostgreSQL (test)" });
});
afterAll(async () => {
  await db?.drop();
});

function match(text: string, pattern: RegExp): string {
  const found = pattern.exec(text)?.[1];
  if (found === undefined) throw new Error(`${pattern} not found in:\n${text}`);
  return found;
}

const visits = (page: string) => Number(match(page, /id="visit-count">(\d+)</));
const csrfOf = (page: string) => match(page, /name="_csrf" value="([^"]+)"/);
const sessionIdOf = (page: string) => match(page, /id="session-id">([0-9a-f]{64})</);

/** A form POST as a browser sends it from the demo's own pages. */
function post(agent: request.Agent | ReturnType<typeof request>, path: string, form: Record<string, string>): request.Test {
  return agent.post(path).set("Sec-Fetch-Site", "same-origin").type("form").send(form);
}

function cookieOf(response: request.Response): string {
  const cookie = (response.headers["set-cookie"] as unknown as string[] | undefined)?.find((c) => c.startsWith("sessionrow="));
  if (!cookie) throw new Error("no session cookie set");
  return cookie.split(";")[0]!;
}

async function logIn(agent: request.Agent, name: string): Promise<request.Response> {
  const form = await agent.get("/login").expect(200);
  return post(agent, "/login", { _csrf: csrfOf(form.text), userId: String(userIds[name]) });
}

describe("demo app (supertest, PostgreSQL)", () => {
  it("stores nothing for a visitor who only looks, and counts visits once the session exists", async () => {
    const before = await db.prisma.session.count();
    const browser = request.agent(app);
    for (const path of ["/", "/login", "/cart", "/preferences", "/"]) {
      const page = await browser.get(path).expect(200);
      expect(page.headers["set-cookie"]).toBeUndefined();
    }
    expect(visits((await browser.get("/").expect(200)).text)).toBe(0);
    expect(await db.prisma.session.count()).toBe(before);
    const cart = await browser.get("/cart").expect(200);
    await post(browser, "/cart/add", { _csrf: csrfOf(cart.text), sku: "mug" }).expect(303);
    expect(await db.prisma.session.count()).toBe(before + 1);
    expect(visits((await browser.get("/").expect(200)).text)).toBe(1);
    expect(visits((await browser.get("/").expect(200)).text)).toBe(2);
    expect(visits((await request(app).get("/").expect(200)).text)).toBe(0);
  });

  it("logs in through the form, rotates the session id, keeps the guest's cart, and logs out", async () => {
    const browser = request.agent(app);
    const cart = await browser.get("/cart").expect(200);
    const added = await post(browser, "/cart/add", { _csrf: csrfOf(cart.text), sku: "mug" }).expect(303);
    const anonymousCookie = cookieOf(added);
    const before = await browser.get("/");
    expect(visits(before.text)).toBe(1);
    const idBefore = sessionIdOf(before.text);

    const login = await logIn(browser, "Alice");
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe("/");
    expect(cookieOf(login)).not.toBe(anonymousCookie);

    const home = await browser.get("/").expect(200);
    expect(home.text).toContain('id="current-user">Alice<');
    expect(visits(home.text)).toBe(2);
    const idAfter = sessionIdOf(home.text);
    expect(idAfter).not.toBe(idBefore);
    expect(home.text).toContain(`session id ${idBefore.slice(0, 12)}… → ${idAfter.slice(0, 12)}…`);
    expect((await browser.get("/cart").expect(200)).text).toMatch(/Quixote coffee mug<\/td><td class="num">1</);

    // The token held before login is dead: it yields a fresh anonymous session.
    const stale = await request(app).get("/").set("Cookie", anonymousCookie).expect(200);
    expect(stale.text).toContain('id="current-user-none"');
    expect(visits(stale.text)).toBe(0);

    const logout = await post(browser, "/logout", { _csrf: csrfOf(home.text) });
    expect(logout.status).toBe(303);
    const after = await browser.get("/").expect(200);
    expect(after.text).toContain("Goodbye, Alice.");
    expect(after.text).toContain('id="current-user-none"');
    expect(visits(after.text)).toBe(1);
    expect(await db.prisma.session.count({ where: { id: idAfter } })).toBe(0);
  });

  it("rejects a POST from another site, and a stored session's POST without its CSRF token", async () => {
    const browser = request.agent(app);
    const form = await browser.get("/login").expect(200);
    const crossSite = await browser.post("/login").set("Sec-Fetch-Site", "cross-site").type("form").send({ _csrf: csrfOf(form.text), userId: String(userIds.Alice) });
    expect(crossSite.status).toBe(403);
    const foreignOrigin = await browser.post("/login").set("Origin", "https://evil.example").type("form").send({ userId: String(userIds.Alice) });
    expect(foreignOrigin.status).toBe(403);
    expect((await browser.get("/").expect(200)).text).toContain('id="current-user-none"');

    await logIn(browser, "Bob");
    const forged = await post(browser, "/cart/add", { sku: "mug" });
    expect(forged.status).toBe(403);
    expect(forged.text).toContain("CSRF token");
    const wrong = await post(browser, "/cart/add", { sku: "mug", _csrf: "x".repeat(43) });
    expect(wrong.status).toBe(403);
    const stale = await post(browser, "/cart/add", { sku: "mug", _csrf: csrfOf(form.text) });
    expect(stale.status).toBe(403);
    expect((await browser.get("/cart").expect(200)).text).toContain('id="cart-empty"');
  });

  it("escapes user-controlled text", async () => {
    const page = await request(app).get("/login").expect(200);
    expect(page.text).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(page.text).not.toContain("<script>");
  });

  it("keeps the cart through the attribute proxy and the preferences in their namespace", async () => {
    const browser = request.agent(app);
    const cart = await browser.get("/cart").expect(200);
    expect(cart.text).toContain('id="cart-empty"');
    await post(browser, "/cart/add", { _csrf: csrfOf(cart.text), sku: "mug" }).expect(303);
    const once = await browser.get("/cart").expect(200);
    await post(browser, "/cart/add", { _csrf: csrfOf(once.text), sku: "mug" }).expect(303);
    const filled = await browser.get("/cart").expect(200);
    expect(filled.text).toContain("Added Quixote coffee mug to your cart.");
    expect(filled.text).toMatch(/Quixote coffee mug<\/td><td class="num">2</);

    await post(browser, "/preferences", { _csrf: csrfOf(filled.text), theme: "dark", accent: "green" }).expect(303);
    const preferences = await browser.get("/preferences").expect(200);
    expect(preferences.text).toContain('class="theme-dark accent-green"');
    expect(preferences.text).toContain("&quot;theme&quot;: &quot;dark&quot;");
  });

  it("lets a user revoke their other sessions but nobody else's", async () => {
    const first = request.agent(app);
    const second = request.agent(app);
    const bob = request.agent(app);
    await logIn(first, "Carol");
    await logIn(second, "Carol");
    await logIn(bob, "Bob");
    const firstId = sessionIdOf((await first.get("/")).text);
    const bobId = sessionIdOf((await bob.get("/")).text);

    const list = await second.get("/sessions").expect(200);
    expect(list.text.match(/data-session-id="/g)).toHaveLength(2);
    expect(list.text).toContain(`data-session-id="${firstId}"`);

    await post(second, "/sessions/revoke", { _csrf: csrfOf(list.text), id: bobId }).expect(303);
    expect((await second.get("/sessions")).text).toContain("not one of yours");
    expect((await bob.get("/")).text).toContain('id="current-user">Bob<');

    await post(second, "/sessions/revoke", { _csrf: csrfOf(list.text), id: firstId }).expect(303);
    expect((await second.get("/sessions")).text.match(/data-session-id="/g)).toHaveLength(1);
    expect((await first.get("/")).text).toContain('id="current-user-none"');
  });

  it("shows the admin page to the admin only", async () => {
    const bob = request.agent(app);
    await logIn(bob, "Bob");
    expect((await bob.get("/admin")).status).toBe(403);
    const alice = request.agent(app);
    await logIn(alice, "Alice");
    const admin = await alice.get("/admin").expect(200);
    expect(Number(match(admin.text, /id="session-count">(\d+)/))).toBeGreaterThanOrEqual(2);
    expect(admin.text).toContain("Bob");
    expect((await request(app).get("/admin")).headers.location).toBe("/login");
  });
});
