import {
  ConflictError,
  MemoryStore,
  SessionConfigError,
  SessionDataError,
  SessionError,
  SessionManager,
  SessionStateError,
  SessionStoreError,
  type SessionManagerOptions,
} from "../../src/index.js";
import { randomBytes } from "node:crypto";
import { sessionIdOf } from "../../src/token.js";
import { FakeClock } from "../support/fake-clock.js";
import { simulateRequest } from "../support/simulate-request.js";

interface User {
  id: number;
  name: string;
}

const MINUTE = 60_000;
const secret = "doGJkMO_13ultOVnKq2vqA62s-1_-t7xjTm1BVodx00";

function setup(options: Partial<SessionManagerOptions> = {}) {
  const clock = new FakeClock();
  const store = new MemoryStore<number, User>([
    [1, { id: 1, name: "Ada" }],
    [2, { id: 2, name: "Grace" }],
  ]);
  const manager = new SessionManager<Record<string, unknown>, User, number>(store, {
    secret,
    idleTimeout: "30m",
    absoluteTimeout: "2h",
    touchAfter: "1m",
    clock,
    ...options,
  });
  const calls = spyOnStore(store);
  return { clock, store, manager, calls };
}

/** Counts calls per store method. */
function spyOnStore(store: MemoryStore<number, User>) {
  const calls: Record<string, number> = {};
  for (const method of ["load", "insert", "updateIfVersion", "touch", "delete", "deleteExpired", "loadUser"] as const) {
    const original = store[method].bind(store) as (...args: unknown[]) => unknown;
    (store as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      calls[method] = (calls[method] ?? 0) + 1;
      return original(...args);
    };
  }
  return {
    counts: calls,
    reset: () => {
      for (const key of Object.keys(calls)) delete calls[key];
    },
    total: () => Object.values(calls).reduce((a, b) => a + b, 0),
  };
}

async function storedRow(manager: SessionManager<Record<string, unknown>, User, number>, token: string) {
  const loaded = await manager.store.load(sessionIdOf(token.split(".")[0]!));
  return loaded?.record ?? null;
}

describe("SessionManager: creating and loading", () => {
  it("does not store an anonymous session that holds nothing", async () => {
    const { manager, calls } = setup();
    const token = await simulateRequest(manager, null, (session) => session.get("anything"));
    expect(token).toBeNull();
    expect(calls.total()).toBe(0);
  });

  it("stores a new session once something is set, and loads it by its signed token", async () => {
    const { manager } = setup();
    const token = await simulateRequest(manager, null, (session) => session.set("views", 1));
    expect(token).toMatch(/^[\w-]{43}\.[\w-]{43}$/);
    const session = await manager.load(token);
    expect(session.isNew).toBe(false);
    expect(session.get("views")).toBe(1);
    expect(session.id).toBe(sessionIdOf(token!.split(".")[0]!));
    expect(session.version).toBe(0);
  });

  it("answers a forged, tampered or malformed token with a fresh session and no store query", async () => {
    const { manager, calls } = setup();
    const token = (await simulateRequest(manager, null, (s) => s.set("a", 1)))!;
    calls.reset();
    const forged = new SessionManager(new MemoryStore(), { secret: "R1LOKQ44fmub8afLNJsbjPRhSunzZ6zEL3xKmqyKFmM" });
    const foreign = (await simulateRequest(forged, null, (s) => s.set("a", 1)))!;
    for (const bad of [foreign, `${token}x`, token.slice(0, -2) + "zz", "garbage", "", "%%%", "a.b"]) {
      const session = await manager.load(bad);
      expect(session.isNew).toBe(true);
      expect(session.keys()).toEqual([]);
    }
    expect(calls.total()).toBe(0);
  });

  it("clears a forged or expired token, but not a verified token whose row is gone", async () => {
    const { manager, clock } = setup();
    const token = (await simulateRequest(manager, null, (s) => s.set("a", 1)))!;
    const forged = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
    expect(await simulateRequest(manager, forged)).toBeNull();
    const rotated = (await simulateRequest(manager, token, (s) => s.regenerate()))!;
    // A request still carrying the pre-login cookie must not clear the cookie the login just set.
    expect(await simulateRequest(manager, token)).toBe(token);
    clock.advance(31 * MINUTE);
    expect(await simulateRequest(manager, rotated)).toBeNull();
  });
});

describe("SessionManager: writes", () => {
  it("does one read and no write for a request that changes nothing", async () => {
    const { manager, calls } = setup();
    const token = await simulateRequest(manager, null, (s) => s.set("views", 1));
    calls.reset();
    await simulateRequest(manager, token, (s) => s.get("views"));
    expect(calls.counts).toEqual({ load: 1 });
  });

  it("throttles the metadata touch, which never rewrites data or bumps the version", async () => {
    const { manager, clock, calls } = setup();
    const token = (await simulateRequest(manager, null, (s) => s.set("views", 1)))!;
    const before = (await storedRow(manager, token))!;
    clock.advance(30_000);
    calls.reset();
    await simulateRequest(manager, token);
    expect(calls.counts.touch).toBeUndefined();
    clock.advance(31_000);
    await simulateRequest(manager, token);
    expect(calls.counts.touch).toBe(1);
    const after = (await storedRow(manager, token))!;
    expect(after.version).toBe(before.version);
    expect(after.data).toEqual(before.data);
    expect(after.updatedAt).toEqual(before.updatedAt);
    expect(after.lastSeenAt.getTime()).toBe(clock.now());
    expect(after.expiresAt.getTime()).toBe(clock.now() + 30 * MINUTE);
  });

  it("moves the idle expiry on a save only when a touch is due, as on a read", async () => {
    const { manager, clock } = setup();
    const token = (await simulateRequest(manager, null, (s) => s.set("views", 1)))!;
    const created = (await storedRow(manager, token))!;
    clock.advance(30_000);
    await simulateRequest(manager, token, (s) => s.set("views", 2));
    const within = (await storedRow(manager, token))!;
    expect(within.data).toEqual({ views: 2 });
    expect(within.updatedAt.getTime()).toBe(clock.now());
    expect(within.lastSeenAt).toEqual(created.lastSeenAt);
    expect(within.expiresAt).toEqual(created.expiresAt);
    clock.advance(31_000);
    await simulateRequest(manager, token, (s) => s.set("views", 3));
    const due = (await storedRow(manager, token))!;
    expect(due.lastSeenAt.getTime()).toBe(clock.now());
    expect(due.expiresAt.getTime()).toBe(clock.now() + 30 * MINUTE);
    // Counters take the merged path: the same rule.
    clock.advance(30_000);
    await simulateRequest(manager, token, (s) => s.increment("views"));
    const merged = (await storedRow(manager, token))!;
    expect(merged.data).toEqual({ views: 4 });
    expect(merged.lastSeenAt).toEqual(due.lastSeenAt);
    expect(merged.expiresAt).toEqual(due.expiresAt);
  });

  it("keeps the rule on a save replayed after a conflict with another process", async () => {
    const { manager, store, clock } = setup();
    const other = new SessionManager<Record<string, unknown>, User, number>(store, {
      secret,
      idleTimeout: "30m",
      absoluteTimeout: "2h",
      touchAfter: "1m",
      clock,
    });
    const token = (await simulateRequest(manager, null, (s) => s.set("count", 0)))!;
    const created = (await storedRow(manager, token))!;
    for (const [advance, visitDue] of [
      [30_000, false],
      [61_000, true],
    ] as const) {
      clock.advance(advance);
      const mine = await manager.load(token);
      const theirs = await other.load(token);
      theirs.set(`seen${advance}`, true);
      await other.commit(theirs);
      // An updater cannot be merged in the database: the save loses its version check and is replayed on the row the other wrote.
      mine.update("count", (n) => (n as number) + 1);
      await manager.commit(mine);
      const row = (await storedRow(manager, token))!;
      expect(row.data).toMatchObject({ count: advance === 30_000 ? 1 : 2, [`seen${advance}`]: true });
      if (visitDue) {
        expect(row.lastSeenAt.getTime()).toBe(clock.now());
        expect(row.expiresAt.getTime()).toBe(clock.now() + 30 * MINUTE);
      } else {
        expect(row.lastSeenAt).toEqual(created.lastSeenAt);
        expect(row.expiresAt).toEqual(created.expiresAt);
      }
    }
  });

  it("saves a change with one version-checked update", async () => {
    const { manager, calls } = setup();
    const token = (await simulateRequest(manager, null, (s) => s.set("views", 1)))!;
    calls.reset();
    await simulateRequest(manager, token, (s) => s.set("views", 2));
    expect(calls.counts).toEqual({ load: 1, updateIfVersion: 1 });
    const row = (await storedRow(manager, token))!;
    expect(row.version).toBe(1);
    expect(row.data).toEqual({ views: 2 });
  });

  it("detects values mutated in place, through get() and through the data proxy", async () => {
    const { manager } = setup();
    let token = await simulateRequest(manager, null, (s) => {
      s.data.cart ??= [];
      s.data.profile = { tags: ["a"] };
    });
    token = await simulateRequest(manager, token, (s) => {
      (s.data.cart as string[]).push("apple");
      (s.get("profile") as { tags: string[] }).tags.push("b");
    });
    const session = await manager.load(token);
    expect(session.data.cart).toEqual(["apple"]);
    expect(session.get("profile")).toEqual({ tags: ["a", "b"] });
    expect({ ...session.data }).toEqual({ cart: ["apple"], profile: { tags: ["a", "b"] } });
    expect("cart" in session.data).toBe(true);
  });

  it("deletes keys through delete(), the proxy, set(undefined) and clear()", async () => {
    const { manager } = setup();
    let token = await simulateRequest(manager, null, (s) => {
      s.set("a", 1).set("b", 2).set("c", 3).set("d", 4);
    });
    token = await simulateRequest(manager, token, (s) => {
      expect(s.delete("a")).toBe(true);
      expect(s.delete("missing")).toBe(false);
      delete s.data.b;
      s.set("c", undefined);
    });
    let session = await manager.load(token);
    expect(session.entries()).toEqual([["d", 4]]);
    token = await simulateRequest(manager, token, (s) => s.clear());
    session = await manager.load(token);
    expect(session.keys()).toEqual([]);
  });
});

describe("SessionManager: expiry", () => {
  it("expires an idle session, deletes it and emits expired", async () => {
    const { manager, clock } = setup();
    const expired: string[] = [];
    manager.on("expired", (event) => expired.push(event.id));
    const token = (await simulateRequest(manager, null, (s) => s.set("a", 1)))!;
    clock.advance(30 * MINUTE - 1);
    expect((await manager.load(token)).isNew).toBe(false);
    clock.advance(1);
    expect((await manager.load(token)).isNew).toBe(true);
    expect(await storedRow(manager, token)).toBeNull();
    expect(expired).toEqual([sessionIdOf(token.split(".")[0]!)]);
  });

  it("slides the idle expiry with use but never past the absolute expiry", async () => {
    const { manager, clock } = setup();
    const token = (await simulateRequest(manager, null, (s) => s.set("a", 1)))!;
    const created = clock.now();
    for (let request = 1; request <= 5; request++) {
      clock.advance(20 * MINUTE);
      expect(await simulateRequest(manager, token)).toBe(token);
      const row = (await storedRow(manager, token))!;
      expect(row.expiresAt.getTime()).toBe(Math.min(clock.now() + 30 * MINUTE, created + 2 * 60 * MINUTE));
    }
    clock.advance(20 * MINUTE);
    expect((await manager.load(token)).isNew).toBe(true);
  });
});

describe("SessionManager: users and rotation", () => {
  it("setUser stores the FK, rotates the token (old token dead) and caches user()", async () => {
    const { manager, calls } = setup();
    const events: unknown[] = [];
    manager.on("login", (event) => events.push(event));
    const anonymous = (await simulateRequest(manager, null, (s) => s.set("cart", ["x"])))!;
    const loggedIn = (await simulateRequest(manager, anonymous, (s) => s.setUser({ id: 1, name: "Ada" }, { keep: ["cart"] })))!;
    expect(loggedIn).not.toBe(anonymous);
    expect((await manager.load(anonymous)).isNew).toBe(true);
    const session = await manager.load(loggedIn);
    expect(session.userId).toBe(1);
    expect(session.get("cart")).toEqual(["x"]);
    calls.reset();
    expect(await session.user()).toEqual({ id: 1, name: "Ada" });
    expect(await session.user()).toEqual({ id: 1, name: "Ada" });
    expect(calls.counts.loadUser).toBe(1);
    expect(events).toEqual([{ id: sessionIdOf(loggedIn.split(".")[0]!), userId: 1, previousUserId: null }]);
  });

  it("preloadUser returns the user with the session, with no extra query", async () => {
    const { manager, calls } = setup({ preloadUser: true });
    const token = await simulateRequest(manager, null, (s) => s.setUser(2));
    calls.reset();
    const session = await manager.load(token);
    expect(await session.user()).toEqual({ id: 2, name: "Grace" });
    expect(calls.counts).toEqual({ load: 1 });
  });

  it("clearUser logs out, keeps data, rotates and emits logout", async () => {
    const { manager } = setup();
    const logouts: unknown[] = [];
    manager.on("logout", (event) => logouts.push(event.userId));
    const token = (await simulateRequest(manager, null, async (s) => {
      await s.setUser(1);
      s.set("theme", "dark");
    }))!;
    const after = (await simulateRequest(manager, token, (s) => s.clearUser()))!;
    expect(after).not.toBe(token);
    const session = await manager.load(after);
    expect(session.userId).toBeNull();
    expect(await session.user()).toBeNull();
    expect(session.get("theme")).toBe("dark");
    expect(logouts).toEqual([1]);
  });

  it("regenerate() issues a new token for the same data", async () => {
    const { manager } = setup();
    const token = (await simulateRequest(manager, null, (s) => s.set("a", 1)))!;
    const next = (await simulateRequest(manager, token, (s) => s.regenerate()))!;
    expect(next).not.toBe(token);
    expect((await manager.load(token)).isNew).toBe(true);
    expect((await manager.load(next)).get("a")).toBe(1);
  });

  it("rejects a user without a usable id", async () => {
    const { manager } = setup();
    const session = manager.create();
    await expect(session.setUser({} as never)).rejects.toBeInstanceOf(SessionDataError);
    await expect(session.setUser(Number.NaN)).rejects.toBeInstanceOf(SessionDataError);
  });

  it("lists, revokes and prunes sessions", async () => {
    const { manager, clock } = setup();
    const mine = await Promise.all([1, 2, 3].map(() => simulateRequest(manager, null, (s) => s.setUser(1))));
    await simulateRequest(manager, null, (s) => s.setUser(2));
    expect(await manager.listForUser(1)).toHaveLength(3);
    const current = await manager.load(mine[0]!);
    expect(await manager.revokeForUser(1, { except: current })).toBe(2);
    expect((await manager.listForUser(1)).map((r) => r.id)).toEqual([current.id]);
    const metadata = [];
    for await (const row of manager.iterate()) metadata.push(row);
    expect(metadata).toHaveLength(2);
    expect(metadata[0]).not.toHaveProperty("data");
    for await (const row of manager.iterate({ includeData: true })) expect(row).toHaveProperty("data");

    for (let i = 0; i < 5; i++) await simulateRequest(manager, null, (s) => s.set("i", i));
    clock.advance(31 * MINUTE);
    const progress: number[] = [];
    expect(await manager.prune({ batchSize: 2, onProgress: (n) => progress.push(n) })).toBe(7);
    expect(progress).toEqual([2, 4, 6, 7, 7]);
  });

  it("rests after each batch that deleted rows, prunePauseRatio (or the call's pauseRatio) times as long as the batch took", async () => {
    const BATCH_MS = 40;
    async function timedPrune(prunePauseRatio: number, pauseRatio?: number) {
      const { manager, store, clock } = setup({ prunePauseRatio });
      for (let i = 0; i < 4; i++) await simulateRequest(manager, null, (s) => s.set("i", i));
      clock.advance(31 * MINUTE);
      const deleteExpired = store.deleteExpired.bind(store);
      const batches: number[] = [];
      store.deleteExpired = async (now, limit) => {
        batches.push(performance.now());
        await new Promise((resolve) => setTimeout(resolve, BATCH_MS));
        return deleteExpired(now, limit);
      };
      expect(await manager.prune({ batchSize: 2, ...(pauseRatio === undefined ? {} : { pauseRatio }) })).toBe(4);
      // Three batches (2, 2, then 0 rows): the gap between two batches is the batch plus the rest.
      expect(batches).toHaveLength(3);
      return [batches[1]! - batches[0]!, batches[2]! - batches[1]!];
    }
    // Lower bounds only: timers never fire early, but a loaded machine can make any of them late.
    for (const gap of await timedPrune(0)) expect(gap).toBeGreaterThanOrEqual(BATCH_MS - 2);
    for (const gap of await timedPrune(1)) expect(gap).toBeGreaterThanOrEqual(2 * BATCH_MS - 2);
    for (const gap of await timedPrune(0.5)) expect(gap).toBeGreaterThanOrEqual(1.5 * BATCH_MS - 2);
    for (const gap of await timedPrune(0, 1)) expect(gap).toBeGreaterThanOrEqual(2 * BATCH_MS - 2);
  });

  it("refuses a pauseRatio outside 0 to 100, before deleting anything", async () => {
    const { manager } = setup();
    await expect(manager.prune({ pauseRatio: -1 })).rejects.toThrow(new SessionConfigError("pauseRatio must be a number from 0 to 100 (got -1)"));
  });
});

describe("SessionManager: parallel requests", () => {
  it("merges changes to different keys made by parallel requests", async () => {
    const { manager } = setup();
    const token = (await simulateRequest(manager, null, (s) => s.set("base", 0).set("gone", true)))!;
    const first = await manager.load(token);
    const second = await manager.load(token);
    first.set("a", 1);
    second.set("b", 2);
    second.delete("gone");
    await manager.commit(first);
    await manager.commit(second);
    const merged = await manager.load(token);
    expect(Object.fromEntries(merged.entries())).toEqual({ base: 0, a: 1, b: 2 });
    expect(merged.version).toBe(2);
  });

  it("re-runs update() on the value a parallel request saved", async () => {
    const { manager } = setup();
    const token = (await simulateRequest(manager, null, (s) => s.set("count", 0)))!;
    const sessions = await Promise.all(Array.from({ length: 10 }, () => manager.load(token)));
    for (const session of sessions) session.update("count", (n) => ((n as number) ?? 0) + 1);
    await Promise.all(sessions.map((session) => manager.commit(session)));
    expect((await manager.load(token)).get("count")).toBe(10);
  });

  it("combines parallel saves of one session in one process into fewer writes, losing nothing", async () => {
    const { manager, calls } = setup();
    const token = (await simulateRequest(manager, null, (s) => s.set("count", 0)))!;
    calls.reset();
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        simulateRequest(manager, token, (s) => {
          s.update("count", (n) => ((n as number) ?? 0) + 1);
          s.set(`key${i}`, i);
        }),
      ),
    );
    const session = await manager.load(token);
    expect(session.get("count")).toBe(10);
    expect(session.keys()).toHaveLength(11);
    // The first save runs alone; the nine queued behind it are combined into one write.
    expect(calls.counts.updateIfVersion).toBe(2);
    expect(calls.counts.load).toBe(11);
  });

  it("keeps one session's invalid data from failing the saves combined with it", async () => {
    const { manager } = setup();
    const token = (await simulateRequest(manager, null, (s) => s.set("list", [])))!;
    const good = await manager.load(token);
    const bad = await manager.load(token);
    const later = await manager.load(token);
    good.set("a", 1);
    (bad.get("list") as unknown[]).push(1n);
    later.set("b", 2);
    const results = await Promise.allSettled([good, bad, later].map((session) => manager.commit(session)));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(SessionDataError);
    const session = await manager.load(token);
    expect(Object.fromEntries(session.entries())).toEqual({ list: [], a: 1, b: 2 });
  });

  it("merges a rotation (login) with a parallel change", async () => {
    const { manager } = setup();
    const token = (await simulateRequest(manager, null, (s) => s.set("a", 1)))!;
    const login = await manager.load(token);
    const other = await manager.load(token);
    other.set("b", 2);
    await manager.commit(other);
    await login.setUser(1, { keep: "all" });
    await manager.commit(login);
    const session = await manager.load(manager.signedToken(login));
    expect(session.userId).toBe(1);
    expect(Object.fromEntries(session.entries())).toEqual({ a: 1, b: 2 });
  });

  it('throws ConflictError on a parallel save with conflict: "error"', async () => {
    const { manager } = setup({ conflict: "error" });
    const conflicts: string[] = [];
    manager.on("conflict", (event) => conflicts.push(event.resolution));
    const token = (await simulateRequest(manager, null, (s) => s.set("a", 0)))!;
    const first = await manager.load(token);
    const second = await manager.load(token);
    first.set("a", 1);
    second.set("a", 2);
    await manager.commit(first);
    const error = await manager.commit(second).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).status).toBe(409);
    expect(conflicts).toEqual(["error"]);
    expect((await manager.load(token)).get("a")).toBe(1);
  });

  it("never resurrects a session destroyed while another request was in flight", async () => {
    const { manager } = setup();
    const token = (await simulateRequest(manager, null, (s) => s.set("a", 0)))!;
    const late = await manager.load(token);
    const lateTouch = await manager.load(token);
    await simulateRequest(manager, token, (s) => s.destroy());
    late.set("b", 1);
    await manager.commit(late);
    await manager.commit(lateTouch);
    expect(await storedRow(manager, token)).toBeNull();
    expect(late.isNew).toBe(true);
  });

  it("an update() that throws leaves the session unchanged", async () => {
    const { manager } = setup();
    const token = await simulateRequest(manager, null, (s) => s.set("count", 1));
    const session = await manager.load(token);
    expect(() =>
      session.update("count", () => {
        throw new Error("nope");
      }),
    ).toThrow("nope");
    expect(session.get("count")).toBe(1);
    await manager.commit(session);
    expect(session.version).toBe(0);
  });
});

describe("SessionManager: data validation", () => {
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  it.each([
    ["a BigInt", 1n],
    ["a function", () => 1],
    ["a symbol", Symbol("x")],
    ["a circular object", circular],
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["a Date", new Date()],
    ["a Map", new Map()],
    ["a Set", new Set([1])],
    ["a nested undefined", { a: undefined }],
    ["a NUL character", "a\u0000b"],
    ["a lone surrogate", "\ud800"],
    ["a __proto__ key", JSON.parse('{"__proto__": {"polluted": true}}')],
    ["deep nesting", JSON.parse("[".repeat(100) + "]".repeat(100))],
  ])("rejects %s naming the key, and stores nothing", async (_label, value) => {
    const { manager, calls } = setup();
    const session = manager.create();
    let error: unknown;
    try {
      session.set("bad", value as never);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SessionDataError);
    expect((error as SessionDataError).key).toBe("bad");
    expect(error).toMatchObject({ reason: "invalid-value", status: 500 });
    expect((error as Error).message).toContain('"bad"');
    expect(session.has("bad")).toBe(false);
    await manager.commit(session);
    expect(calls.total()).toBe(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("rejects a value mutated in place into something JSON cannot hold, at commit, writing nothing", async () => {
    const { manager } = setup();
    const token = (await simulateRequest(manager, null, (s) => s.set("list", [1])))!;
    const session = await manager.load(token);
    (session.get("list") as unknown[]).push(1n);
    await expect(manager.commit(session)).rejects.toThrow(SessionDataError);
    expect((await storedRow(manager, token))!.data).toEqual({ list: [1] });
  });

  it("enforces maxDataBytes, naming the key, without keeping the value", async () => {
    const { manager } = setup({ maxDataBytes: 100 });
    const session = manager.create();
    session.set("small", "x".repeat(40));
    expect(() => session.set("big", "x".repeat(60))).toThrow(/"big".*maxDataBytes/);
    expect(() => session.set("big", "x".repeat(60))).toThrow(expect.objectContaining({ reason: "too-large", status: 413, key: "big" }));
    expect(session.has("big")).toBe(false);
    session.set("fits", "x".repeat(30));
    expect(JSON.stringify(Object.fromEntries(session.entries())).length).toBeLessThanOrEqual(100);
  });

  it("reserves $-prefixed and __proto__ keys", () => {
    const { manager } = setup();
    const session = manager.create();
    expect(() => session.set("$ns:x", 1)).toThrow(SessionDataError);
    expect(() => session.set("__proto__", 1)).toThrow(SessionDataError);
  });

  it("round-trips Unicode and nested JSON exactly", async () => {
    const { manager } = setup();
    const value = { text: "héllo 🌍 \u2028 日本語", nested: [{ a: [1, 2.5, -3e20, null, true, ""] }], empty: {} };
    const token = await simulateRequest(manager, null, (s) => s.set("v", value));
    expect((await manager.load(token)).get("v")).toEqual(value);
  });
});

describe("Session: read-only, namespaces and flash", () => {
  it("a read-only session throws on change and never writes, not even a touch", async () => {
    const { manager, clock, calls } = setup();
    const token = await simulateRequest(manager, null, (s) => s.set("a", 1));
    clock.advance(10 * MINUTE);
    calls.reset();
    const session = await manager.load(token, { readOnly: true });
    expect(session.get("a")).toBe(1);
    expect(() => session.set("a", 2)).toThrow(SessionError);
    expect(() => session.set("a", 2)).toThrow(/read-only/);
    expect(() => {
      session.data.a = 3;
    }).toThrow(/read-only/);
    await expect(session.setUser(1)).rejects.toThrow(/read-only/);
    await expect(session.destroy()).rejects.toThrow(/read-only/);
    await manager.commit(session);
    expect(calls.counts).toEqual({ load: 1 });
  });

  it("namespaces do not collide with plain keys or each other, and merge key by key", async () => {
    const { manager } = setup();
    const token = (await simulateRequest(manager, null, (s) => {
      s.set("theme", "plain");
      s.namespace("shop").set("theme", "shop");
      s.namespace("blog").set("theme", "blog");
    }))!;
    const first = await manager.load(token);
    const second = await manager.load(token);
    first.namespace("shop").set("a", 1);
    second.namespace("shop").set("b", 2);
    await manager.commit(first);
    await manager.commit(second);
    const session = await manager.load(token);
    expect(session.keys()).toEqual(["theme"]);
    expect(session.get("theme")).toBe("plain");
    expect(Object.fromEntries(session.namespace("shop").entries())).toEqual({ theme: "shop", a: 1, b: 2 });
    expect(session.namespace("blog").get("theme")).toBe("blog");
    session.namespace("blog").clear();
    expect(session.namespace("blog").keys()).toEqual([]);
  });

  it("flash messages are shown once", async () => {
    const { manager } = setup();
    let token = await simulateRequest(manager, null, (s) => {
      s.flash("info", "Saved");
      s.flash("info", "Really");
      s.flash("error", "Oops");
    });
    token = await simulateRequest(manager, token, (s) => {
      expect(s.consumeFlash("info")).toEqual(["Saved", "Really"]);
      expect(s.consumeFlash("info")).toEqual([]);
    });
    await simulateRequest(manager, token, (s) => {
      expect(s.consumeFlash("info")).toEqual([]);
      expect(s.consumeFlash("error")).toEqual(["Oops"]);
    });
  });
});

describe("SessionManager: failures and configuration", () => {
  it("wraps store failures in SessionStoreError (503) with the cause", async () => {
    const { manager, store } = setup();
    const token = await simulateRequest(manager, null, (s) => s.set("a", 1));
    const cause = new Error("connection refused");
    store.load = () => Promise.reject(cause);
    const error = await manager.load(token).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionStoreError);
    expect((error as SessionStoreError).status).toBe(503);
    expect((error as SessionStoreError).cause).toBe(cause);
  });

  it.each([
    [{ secret: undefined }, /secret is required/],
    [{ secret: "short" }, /The secret is too weak to sign session tokens: it has 5 characters, fewer than 32; generate one with/],
    [{ secret: "a".repeat(32) }, /it repeats a phrase/],
    [{ secret: "correct-horse-correct-horse-correct" }, /it repeats a phrase/],
    [{ secret: "ccbdbbabcadccadbabcbbbbbdadacabc" }, /it has about \d+ bits of entropy, fewer than 80/],
    [{ secret: undefined, secrets: [randomBytes(32).toString("base64url"), "x".repeat(40)] }, /The secrets\[1\] is too weak/],
    [{ idleTimeout: "soon" }, /idleTimeout/],
    [{ idleTimeout: -5 }, /idleTimeout/],
    [{ idleTimeout: "2h", absoluteTimeout: "1h" }, /absoluteTimeout/],
    [{ touchAfter: "1h" }, /touchAfter/],
    [{ conflict: "ignore" }, /conflict/],
    [{ maxDataBytes: 0 }, /maxDataBytes/],
    [{ prunePauseRatio: -1 }, /prunePauseRatio/],
    [{ prunePauseRatio: Number.NaN }, /prunePauseRatio/],
  ])("rejects bad options %j at construction", (bad, message) => {
    expect(() => setup(bad as Partial<SessionManagerOptions>)).toThrow(SessionConfigError);
    expect(() => setup(bad as Partial<SessionManagerOptions>)).toThrow(message);
  });

  it("accepts rotated secrets: tokens signed with the old secret keep working", async () => {
    const { manager, store, clock } = setup();
    const token = await simulateRequest(manager, null, (s) => s.set("a", 1));
    const rotated = new SessionManager(store, { secrets: ["8G1wz_NMGo8ECCol_YpvbTILOrLx0KbzhoP7y914kA8", secret], clock });
    expect((await rotated.load(token)).get("a")).toBe(1);
  });
});

describe("Session: what review found", () => {
  it("refuses changes once committed, while and after it is saved, instead of losing them", async () => {
    const { manager } = setup();
    const session = manager.create();
    session.set("a", 1);
    const saving = manager.commit(session);
    expect(() => session.set("b", 2)).toThrow(/was committed/);
    const action = await saving;
    expect(() => session.set("b", 2)).toThrow(SessionStateError);
    expect(() => session.consumeFlash("info")).toThrow(SessionStateError);
    await expect(session.setUser(1)).rejects.toThrow(SessionStateError);
    expect(await manager.commit(session)).toEqual(action);
    expect(action.type).toBe("set");
    const reloaded = await manager.load(action.type === "set" ? action.token : null);
    expect(Object.fromEntries(reloaded.entries())).toEqual({ a: 1 });
  });

  it("rejects keys PostgreSQL's jsonb cannot hold, at the top level too", () => {
    const { manager } = setup();
    const session = manager.create();
    expect(() => session.set("a\u0000b", 1)).toThrow(SessionDataError);
    expect(() => session.set("\ud800", 1)).toThrow(SessionDataError);
    expect(() => session.namespace("x\u0000").set("k", 1)).toThrow(SessionDataError);
    expect(session.keys()).toEqual([]);
  });

  it("treats keys like constructor as plain keys in flash messages and namespaces", () => {
    const { manager } = setup();
    const session = manager.create();
    session.flash("constructor", "hello");
    expect(session.consumeFlash("constructor")).toEqual(["hello"]);
    expect(session.namespace("n").update("constructor", (n) => ((n as number | undefined) ?? 0) + 1)).toBe(1);
    expect(() => session.flash("__proto__", "x")).toThrow(SessionDataError);
  });

  it('does not report a conflict under conflict: "error" for saves queued behind each other without a parallel change', async () => {
    const { manager } = setup({ conflict: "error" });
    const token = (await simulateRequest(manager, null, (s) => s.set("a", 0)))!;
    const first = await manager.load(token);
    first.set("a", 1);
    const firstSave = manager.commit(first);
    const second = await manager.load(token);
    second.set("b", 2);
    await Promise.all([firstSave, manager.commit(second)]);
    expect(Object.fromEntries((await manager.load(token)).entries())).toEqual({ a: 1, b: 2 });
  });

  it("fails only the request whose updater throws when re-run, writing the others", async () => {
    const { manager } = setup();
    const token = (await simulateRequest(manager, null, (s) => s.set("n", 0)))!;
    const [a, b, c] = await Promise.all([manager.load(token), manager.load(token), manager.load(token)]);
    a.set("n", 1);
    let runs = 0;
    b.update("m", () => {
      runs++;
      if (runs > 1) throw new Error("not on fresh data");
      return 1;
    });
    c.set("k", true);
    const results = await Promise.allSettled([a, b, c].map((session) => manager.commit(session)));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(Object.fromEntries((await manager.load(token)).entries())).toEqual({ n: 1, k: true });
  });

  it("a read-only load of an expired session writes nothing", async () => {
    const { manager, clock, calls } = setup();
    const token = await simulateRequest(manager, null, (s) => s.set("a", 1));
    clock.advance(31 * MINUTE);
    calls.reset();
    expect((await manager.load(token, { readOnly: true })).isNew).toBe(true);
    expect(calls.counts).toEqual({ load: 1 });
  });
});

describe("SessionManager: events", () => {
  it("emits created, destroyed and revoked with the session and user ids", async () => {
    const { manager } = setup();
    const events: [string, unknown][] = [];
    for (const name of ["created", "destroyed", "revoked"] as const) manager.on(name, (event) => events.push([name, event]));
    const token = (await simulateRequest(manager, null, (s) => s.setUser(1)))!;
    const id = sessionIdOf(token.split(".")[0]!);
    const other = (await simulateRequest(manager, null, (s) => s.setUser(1)))!;
    await simulateRequest(manager, token, (s) => s.destroy());
    await manager.revokeForUser(1);
    expect(events).toEqual([
      ["created", { id, userId: 1 }],
      ["created", { id: sessionIdOf(other.split(".")[0]!), userId: 1 }],
      ["destroyed", { id, userId: 1 }],
      ["revoked", { userId: 1, count: 1, exceptId: null }],
    ]);
  });
});

