import { CookieTransport, HeaderTransport, MemoryStore, SessionManager, SessionStateError, type SessionManagerOptions } from "../../src/index.js";
import { FakeClock } from "../support/fake-clock.js";
import { simulateRequest } from "../support/simulate-request.js";

const MINUTE = 60_000;
const secret = "adbrHTsV2kMEgHELJCSdLq5tGG-xPfuu6hldLmpz9vU";

function setup(options: Partial<SessionManagerOptions> = {}) {
  const clock = new FakeClock();
  const store = new MemoryStore<number, { id: number }>([[1, { id: 1 }]]);
  const writes: string[] = [];
  for (const method of ["insert", "updateIfVersion", "mergeUpdate", "touch", "delete"] as const) {
    const original = store[method].bind(store) as (...args: unknown[]) => Promise<unknown>;
    (store as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
      const result = await original(...args);
      writes.push(method);
      return result;
    };
  }
  const manager = new SessionManager<Record<string, unknown>, { id: number }, number>(store, {
    secret,
    idleTimeout: "30m",
    absoluteTimeout: "2h",
    touchAfter: "1m",
    clock,
    ...options,
  });
  return { clock, store, manager, writes };
}

describe("The request lifecycle: load, commit, and the token action", () => {
  it("sets the token of a new session once it holds something, valid until its absolute expiry", async () => {
    const { manager, clock } = setup();
    const empty = await manager.load(undefined);
    expect(await manager.commit(empty)).toEqual({ type: "none" });
    const session = await manager.load(undefined);
    session.set("a", 1);
    const action = await manager.commit(session);
    expect(action).toEqual({ type: "set", token: manager.signedToken(session), expiresAt: new Date(clock.now() + 2 * 60 * MINUTE) });
  });

  it("leaves the token of an unchanged session alone, and sets a new one when the session rotates", async () => {
    const { manager } = setup();
    const token = (await simulateRequest(manager, null, (s) => s.set("a", 1)))!;
    const unchanged = await manager.load(token);
    expect(await manager.commit(unchanged)).toEqual({ type: "none" });
    const login = await manager.load(token);
    await login.setUser(1);
    const action = await manager.commit(login);
    expect(action.type).toBe("set");
    expect(action.type === "set" && action.token).not.toBe(token);
    expect((await manager.load(token)).isNew).toBe(true);
  });

  it("refuses what is not one of its sessions with a SessionStateError, null and plain objects alike", async () => {
    const { manager } = setup();
    for (const notASession of [null, undefined, {}, { id: "x" }]) {
      await expect(manager.commit(notASession as never)).rejects.toThrow(SessionStateError);
    }
    await expect(manager.revokeForUser(1, { except: null as never })).rejects.toThrow(SessionStateError);
  });

  it("commits at once, without a promise, only what writes nothing: commitWithoutWaiting", async () => {
    const { manager, clock, writes } = setup();
    expect(manager.commitWithoutWaiting(await manager.load("forged.token"))).toEqual({ type: "clear" });
    const token = (await simulateRequest(manager, null, (s) => s.set("a", 1)))!;
    writes.length = 0;

    const unchanged = await manager.load(token);
    expect(manager.commitWithoutWaiting(unchanged)).toEqual({ type: "none" });
    expect(() => unchanged.set("a", 2)).toThrow(SessionStateError); // sealed, as by commit()
    expect(writes).toEqual([]);

    const changed = await manager.load(token);
    changed.set("a", 2);
    const saved = manager.commitWithoutWaiting(changed); // must write: a promise of the write's action
    expect(saved).toBeInstanceOf(Promise);
    expect(await saved).toEqual({ type: "none" });

    clock.advance(2 * MINUTE);
    const touchDue = await manager.load(token);
    const touched = manager.commitWithoutWaiting(touchDue);
    expect(touched).toBeInstanceOf(Promise);
    await touched;
    expect(writes).toEqual(["updateIfVersion", "touch"]);
  });

  it("clears a forged or expired token, and after destroy(); leaves an unknown but validly signed one alone", async () => {
    const { manager, clock } = setup();
    expect(await manager.commit(await manager.load("forged.token"))).toEqual({ type: "clear" });
    const token = (await simulateRequest(manager, null, (s) => s.set("a", 1)))!;
    const destroyed = await manager.load(token);
    await destroyed.destroy();
    expect(await manager.commit(destroyed)).toEqual({ type: "clear" });
    expect(await manager.commit(await manager.load(token))).toEqual({ type: "none" });
    const expiring = (await simulateRequest(manager, null, (s) => s.set("a", 1)))!;
    clock.advance(31 * MINUTE);
    expect(await manager.commit(await manager.load(expiring))).toEqual({ type: "clear" });
  });

  it("loads a raw token with loadUnsigned(), and keeps that token for a new session", async () => {
    const { manager, store } = setup();
    const fresh = await manager.loadUnsigned("server-generated-id");
    expect(fresh.isNew).toBe(true);
    fresh.set("a", 1);
    await manager.commit(fresh);
    const again = await manager.loadUnsigned("server-generated-id");
    expect(again.isNew).toBe(false);
    expect(again.get("a")).toBe(1);
    expect(again.id).toBe(fresh.id);
    expect(await store.load(fresh.id)).not.toBeNull();
  });

  it("costs no write and no version bump for a change that leaves every value as it was loaded", async () => {
    const { manager, writes } = setup();
    const token = (await simulateRequest(manager, null, (s) => s.set("list", [1, 2]).set("n", 1)))!;
    writes.length = 0;
    await simulateRequest(manager, token, (s) => {
      s.set("list", [1, 2]);
      s.update("n", (n) => n);
      s.data.n = 1;
      s.namespace("ns").delete("missing");
    });
    expect(writes).toEqual([]);
    expect((await manager.load(token)).version).toBe(0);
    await simulateRequest(manager, token, (s) => s.set("n", 2));
    expect(writes).toEqual(["updateIfVersion"]);
  });

  it("does not replay a value set back to what was loaded over a parallel request's change", async () => {
    const { manager } = setup();
    const token = (await simulateRequest(manager, null, (s) => s.set("a", 1).set("b", 1)))!;
    const first = await manager.load(token);
    const second = await manager.load(token);
    first.set("a", 2);
    await manager.commit(first);
    second.set("a", 1);
    second.set("b", 2);
    await manager.commit(second);
    const merged = await manager.load(token);
    expect(Object.fromEntries(merged.entries())).toEqual({ a: 2, b: 2 });
  });

  it("refuses consumeFlash() on a read-only session, like every other change", async () => {
    const { manager } = setup();
    const token = (await simulateRequest(manager, null, (s) => s.flash("info", "hello")))!;
    const readOnly = await manager.load(token, { readOnly: true });
    expect(() => readOnly.consumeFlash("info")).toThrow(SessionStateError);
    expect((await manager.load(token)).consumeFlash("info")).toEqual(["hello"]);
  });
});

describe("Events", () => {
  it("fire after the write they report: login and logout once saved, never for a save that was dropped", async () => {
    const { manager, writes } = setup();
    const events: string[] = [];
    manager.on("created", () => void events.push(`created after ${writes.join(",")}`));
    manager.on("login", (event) => void events.push(`login ${event.userId} after ${writes.join(",")}`));
    manager.on("logout", (event) => void events.push(`logout ${event.userId} after ${writes.join(",")}`));
    const token = (await simulateRequest(manager, null, (s) => s.set("a", 1)))!;
    const session = await manager.load(token);
    await session.setUser(1);
    expect(events).toEqual(["created after insert"]);
    const action = await manager.commit(session);
    expect(events).toEqual(["created after insert", "login 1 after insert,updateIfVersion"]);
    const loggedIn = action.type === "set" ? action.token : null;
    const revoked = await manager.load(loggedIn);
    await revoked.clearUser();
    await manager.revokeForUser(1);
    await manager.commit(revoked);
    expect(events).toHaveLength(2);
  });

  it("reports a merge with a parallel save once the merged row is written, one event per merged request", async () => {
    const { manager, writes } = setup();
    const token = (await simulateRequest(manager, null, (s) => s.set("a", 0)))!;
    const first = await manager.load(token);
    const second = await manager.load(token);
    const events: string[] = [];
    manager.on("conflict", (event) => void events.push(`${event.resolution} after ${writes.join(",")}`));
    writes.length = 0;
    first.set("a", 1);
    await manager.commit(first);
    expect(events).toEqual([]);
    second.set("b", 2);
    await manager.commit(second);
    // The second save's update finds a newer version and writes nothing; its change is then merged into the row as it is.
    expect(events).toEqual(["merged after updateIfVersion,updateIfVersion,mergeUpdate"]);
    expect(Object.fromEntries((await manager.load(token)).entries())).toEqual({ a: 1, b: 2 });
  });

  it("a listener that throws or rejects fails nothing and loses nothing; it is reported as an error event", async () => {
    const { manager } = setup();
    const reported: unknown[] = [];
    manager.on("created", () => {
      throw new Error("listener threw");
    });
    manager.on("created", async () => {
      throw new Error("listener rejected");
    });
    manager.on("error", (event) => void reported.push([event.event, (event.error as Error).message]));
    const token = await simulateRequest(manager, null, (s) => s.set("a", 1));
    expect((await manager.load(token)).get("a")).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(reported).toEqual([
      ["created", "listener threw"],
      ["created", "listener rejected"],
    ]);
  });

  it("without an error listener, a failing listener becomes a process warning", async () => {
    const { manager } = setup();
    manager.on("created", () => {
      throw new Error("listener threw");
    });
    const warn = jest.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    try {
      const token = await simulateRequest(manager, null, (s) => s.set("a", 1));
      expect((await manager.load(token)).get("a")).toBe(1);
      expect(warn).toHaveBeenCalledWith('A sessionrow "created" event listener failed: listener threw', {
        code: "SESSIONROW_LISTENER_FAILED",
      });
    } finally {
      warn.mockRestore();
    }
  });
});

describe("Transports are functions of headers", () => {
  it("the cookie transport reads Node and Fetch headers and answers an action with Set-Cookie", () => {
    const cookies = new CookieTransport({ secure: true, hostPrefix: false });
    expect(cookies.readToken({ cookie: "other=1; sessionrow=abc" })).toBe("abc");
    expect(cookies.readToken(new Headers({ cookie: "sessionrow=def" }))).toBe("def");
    expect(cookies.readToken({ cookie: ["sessionrow=a", "x=1; sessionrow=b"] })).toEqual(["a", "b"]);
    expect(cookies.readToken({})).toBeUndefined();
    expect(cookies.responseHeaders({ type: "none" })).toEqual([]);
    expect(cookies.responseHeaders({ type: "set", token: "t.s", expiresAt: new Date(Date.UTC(2030, 0, 1)) })).toEqual([
      ["Set-Cookie", "sessionrow=t.s; Path=/; Expires=Tue, 01 Jan 2030 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax"],
      ["Cache-Control", "no-store"],
      ["Vary", "Cookie"],
    ]);
    expect(cookies.responseHeaders({ type: "clear" })).toEqual([
      ["Set-Cookie", "sessionrow=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax"],
      ["Cache-Control", "no-store"],
      ["Vary", "Cookie"],
    ]);
  });

  it("the header transport reads a bearer or named header and answers with a token header", () => {
    const bearer = new HeaderTransport();
    expect(bearer.readToken({ authorization: "Bearer abc" })).toBe("abc");
    expect(bearer.readToken(new Headers({ authorization: "Basic abc" }))).toBeUndefined();
    const named = new HeaderTransport({ header: "X-Session", responseHeader: "X-New-Session" });
    expect(named.readToken(new Headers({ "x-session": " abc " }))).toBe("abc");
    expect(named.responseHeaders({ type: "set", token: "t.s", expiresAt: new Date() })[0]).toEqual(["X-New-Session", "t.s"]);
    expect(named.responseHeaders({ type: "clear" })[0]).toEqual(["X-New-Session", ""]);
    expect(named.responseHeaders({ type: "none" })).toEqual([]);
  });
});
