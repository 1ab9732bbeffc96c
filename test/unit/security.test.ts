import { randomBytes } from "node:crypto";
import { CookieTransport, HeaderTransport, MemoryStore, SessionManager, verifyRequestOrigin, type SessionManagerOptions } from "../../src/index.js";
import { simulateRequest } from "../support/simulate-request.js";

const secret = randomBytes(32).toString("base64url");

function setup(options: Partial<SessionManagerOptions> = {}) {
  const store = new MemoryStore<number, { id: number }>([
    [1, { id: 1 }],
    [2, { id: 2 }],
  ]);
  return new SessionManager<Record<string, unknown>, { id: number }, number>(store, { secret, ...options });
}

describe("Duplicate cookies (cookie tossing)", () => {
  it("uses the first value that verifies, and never clears a cookie when several values came", async () => {
    const manager = setup();
    const valid = (await simulateRequest(manager, null, (s) => s.set("real", true)))!;
    const cookies = new CookieTransport({ secure: true });
    const name = cookies.name;
    for (const header of [`${name}=junk; ${name}=${valid}`, `${name}=${valid}; ${name}=junk`]) {
      const session = await manager.load(cookies.readToken({ cookie: header }));
      expect(session.get("real")).toBe(true);
    }
    // Anyone can get a validly signed token by visiting: a dead one planted first must not hide the live one.
    const dead = (await simulateRequest(manager, null, (s) => s.set("planted", true)))!;
    await simulateRequest(manager, dead, (s) => s.destroy());
    const planted = await manager.load(cookies.readToken({ cookie: `${name}=${dead}; ${name}=${valid}` }));
    expect(planted.get("real")).toBe(true);
    expect(await manager.commit(planted)).toEqual({ type: "none" });
    const tossed = await manager.load(cookies.readToken({ cookie: `${name}=junk; ${name}=other-junk` }));
    expect(tossed.isNew).toBe(true);
    expect(await manager.commit(tossed)).toEqual({ type: "none" });
    const single = await manager.load(cookies.readToken({ cookie: `${name}=junk` }));
    expect(await manager.commit(single)).toEqual({ type: "clear" });
  });

  it("defaults to a Secure __Host- cookie; only secure: false (local HTTP development) turns both off", () => {
    expect(new CookieTransport().name).toBe("__Host-sessionrow");
    expect(new CookieTransport({ path: "/app" }).name).toBe("sessionrow");
    expect(new CookieTransport({ domain: "example.test" }).name).toBe("sessionrow");
    expect(new CookieTransport({ hostPrefix: false }).name).toBe("sessionrow");
    const local = new CookieTransport({ secure: false });
    expect(local.name).toBe("sessionrow");
    expect(local.responseHeaders({ type: "set", token: "t.s", expiresAt: new Date(0) })[0]![1]).not.toMatch(/Secure/);
    expect(new CookieTransport().responseHeaders({ type: "clear" })[0]![1]).toMatch(/; Secure/);
  });

  it("marks responses that set or clear a token as not cacheable, varying by the token's header", () => {
    const set = { type: "set", token: "t.s", expiresAt: new Date(0) } as const;
    expect(new CookieTransport().responseHeaders(set).slice(1)).toEqual([
      ["Cache-Control", "no-store"],
      ["Vary", "Cookie"],
    ]);
    expect(new HeaderTransport().responseHeaders({ type: "clear" }).slice(1)).toEqual([
      ["Cache-Control", "no-store"],
      ["Vary", "Authorization"],
    ]);
    expect(new HeaderTransport({ header: "X-Session" }).responseHeaders(set).slice(1)).toEqual([
      ["Cache-Control", "no-store"],
      ["Vary", "X-Session"],
    ]);
  });
});

describe("A token belongs to its transport", () => {
  it("a cookie token is refused as a header token and the other way round", async () => {
    const manager = setup();
    const cookieToken = (await simulateRequest(manager, null, (s) => s.set("via", "cookie")))!;
    const viaHeader = await manager.create({ channel: "header" });
    viaHeader.set("via", "header");
    const action = await manager.commit(viaHeader);
    const headerToken = action.type === "set" ? action.token : "";
    expect((await manager.load(cookieToken)).get("via")).toBe("cookie");
    expect((await manager.load(headerToken, { channel: "header" })).get("via")).toBe("header");
    expect((await manager.load(cookieToken, { channel: "header" })).isNew).toBe(true);
    expect((await manager.load(headerToken)).isNew).toBe(true);
  });
});

describe("Login hygiene", () => {
  it("drops data planted before login unless kept; the same user logging in again keeps everything", async () => {
    const manager = setup();
    const planted = (await simulateRequest(manager, null, (s) => {
      s.set("returnTo", "https://evil.example/");
      s.set("role", "admin");
      s.set("cart", ["tea"]);
      s.namespace("prefs").set("theme", "dark");
      s.flash("info", "forged");
    }))!;
    const loggedIn = (await simulateRequest(manager, planted, (s) => s.setUser(1, { keep: ["cart"] })))!;
    const session = await manager.load(loggedIn);
    expect(session.keys()).toEqual(["cart"]);
    expect(session.namespace("prefs").keys()).toEqual([]);
    expect(session.consumeFlash("info")).toEqual([]);
    const again = (await simulateRequest(manager, loggedIn, async (s) => {
      s.set("views", 3);
      await s.setUser(1);
    }))!;
    expect((await manager.load(again)).keys().sort()).toEqual(["cart", "views"]);
    const other = (await simulateRequest(manager, again, (s) => s.setUser(2)))!;
    expect((await manager.load(other)).keys()).toEqual([]);
    const all = (await simulateRequest(manager, null, async (s) => {
      s.set("a", 1);
      await s.setUser(1, { keep: "all" });
    }))!;
    expect((await manager.load(all)).get("a")).toBe(1);
  });
});

describe("CSRF tokens", () => {
  it("are derived from the session id, stored nowhere, and change when the token rotates", async () => {
    const manager = setup();
    const token = (await simulateRequest(manager, null, (s) => s.set("a", 1)))!;
    const session = await manager.load(token);
    const csrf = session.csrfToken();
    expect(csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session.verifyCsrfToken(csrf)).toBe(true);
    expect(session.verifyCsrfToken(`${csrf.slice(0, -1)}A` === csrf ? `${csrf.slice(0, -1)}B` : `${csrf.slice(0, -1)}A`)).toBe(false);
    expect(session.verifyCsrfToken(undefined)).toBe(false);
    expect(session.keys()).toEqual(["a"]);
    expect((await manager.load(token)).csrfToken()).toBe(csrf);
    await session.setUser(1);
    expect(session.csrfToken()).not.toBe(csrf);
    expect(session.verifyCsrfToken(csrf)).toBe(false);
  });

  it("a manager with another secret cannot make them; a rotated-out secret still verifies", async () => {
    const manager = setup();
    const session = await manager.load((await simulateRequest(manager, null, (s) => s.set("a", 1)))!);
    const other = setup({ secret: randomBytes(32).toString("base64url") });
    expect((await other.load(null)).verifyCsrfToken(session.csrfToken())).toBe(false);
    const rotated = new SessionManager(manager.store, { secrets: [randomBytes(32).toString("base64url"), secret] });
    const same = await rotated.load(manager.signedToken(session));
    expect(same.verifyCsrfToken(session.csrfToken())).toBe(true);
  });
});

describe("verifyRequestOrigin", () => {
  const post = (headers: Record<string, string>, options = {}) => verifyRequestOrigin("POST", headers, options);

  it("lets safe methods through and judges the others by Sec-Fetch-Site, then Origin against Host", () => {
    expect(verifyRequestOrigin("GET", { "sec-fetch-site": "cross-site" })).toBe(true);
    expect(post({ "sec-fetch-site": "same-origin" })).toBe(true);
    expect(post({ "sec-fetch-site": "none" })).toBe(true);
    expect(post({ "sec-fetch-site": "cross-site", origin: "https://evil.example", host: "app.example" })).toBe(false);
    expect(post({ "sec-fetch-site": "same-site", origin: "https://other.app.example", host: "app.example" })).toBe(false);
    expect(post({ "sec-fetch-site": "same-site" }, { allowSameSite: true })).toBe(true);
    expect(post({ origin: "https://app.example", host: "app.example" })).toBe(true);
    expect(post({ origin: "https://evil.example", host: "app.example" })).toBe(false);
    expect(post({ origin: "null", host: "app.example" })).toBe(false);
    expect(post({ host: "app.example" })).toBe(false);
    expect(post({ "sec-fetch-site": "cross-site", origin: "https://front.example" }, { allowedOrigins: ["https://front.example/"] })).toBe(true);
    expect(verifyRequestOrigin("DELETE", new Headers({ origin: "https://app.example:8443", host: "app.example:8443" }))).toBe(true);
  });
});
