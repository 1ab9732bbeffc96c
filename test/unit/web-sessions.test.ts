import { randomBytes } from "node:crypto";
import { MemoryStore, SessionManager } from "../../src/index.js";
import { WebSessions } from "../../src/web.js";

function setup() {
  const manager = new SessionManager<Record<string, unknown>, unknown, number>(new MemoryStore(), { secret: randomBytes(32).toString("base64url") });
  return { manager, web: new WebSessions(manager) };
}

describe("WebSessions (Fetch API)", () => {
  it("loads from a Request, commits onto a Response, and reads the token back", async () => {
    const { web } = setup();
    const session = await web.load(new Request("http://app.test/", { headers: { "user-agent": "test-agent" } }));
    session.set("a", 1);
    const response = await web.commit(session, Response.json({ ok: true }));
    const [cookie] = response.headers.getSetCookie();
    expect(cookie).toMatch(/^__Host-sessionrow=[\w-]{43}\.[\w-]{43}; Path=\/; Expires=.*; HttpOnly; Secure; SameSite=Lax$/);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ ok: true });
    const again = await web.load(new Request("http://app.test/", { headers: { cookie: cookie!.split(";")[0]! } }));
    expect(again.get("a")).toBe(1);
  });

  it("copies a response whose headers cannot change (Response.redirect) and keeps its status and location", async () => {
    const { web } = setup();
    const session = await web.load(new Request("http://app.test/"));
    session.set("a", 1);
    const redirect = Response.redirect("http://app.test/next", 303);
    const response = await web.commit(session, redirect);
    expect(response).not.toBe(redirect);
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("http://app.test/next");
    expect(response.headers.getSetCookie()).toHaveLength(1);
  });

  it("leaves a response alone when the token stays, and merges Vary into headers being built", async () => {
    const { web } = setup();
    const unchanged = await web.load(new Request("http://app.test/"));
    const response = new Response("x");
    expect(await web.commit(unchanged, response)).toBe(response);
    const session = await web.load(new Headers());
    session.set("a", 1);
    const headers = new Headers({ vary: "Accept-Encoding" });
    await web.commitTo(session, headers);
    expect(headers.get("vary")).toBe("Accept-Encoding, Cookie");
  });

  it("sets the cookie through a cookie store (Next.js's cookies()), read back from the cookie's value", async () => {
    const { web } = setup();
    const set: [string, string, object][] = [];
    const session = await web.load(undefined);
    session.set("a", 1);
    await web.commitToCookies(session, { set: (name, value, options) => set.push([name, value, options]) });
    expect(set).toHaveLength(1);
    const [name, value, options] = set[0]!;
    expect(name).toBe(web.cookieName);
    expect(options).toMatchObject({ httpOnly: true, secure: true, sameSite: "lax", path: "/" });
    expect((await web.load(value, { readOnly: true })).get("a")).toBe(1);
  });

  it("with the header transport, signs tokens for the header channel and refuses cookie tokens", async () => {
    const { manager } = setup();
    const web = new WebSessions(manager, { transport: "header" });
    const session = await web.load(new Request("http://app.test/"));
    session.set("a", 1);
    const token = (await web.commit(session, new Response())).headers.get("x-session-token")!;
    expect((await web.load(new Headers({ authorization: `Bearer ${token}` }))).get("a")).toBe(1);
    expect((await manager.load(token)).isNew).toBe(true);
    await expect(web.commitToCookies(session, { set: () => undefined })).rejects.toThrow(TypeError);
  });
});
