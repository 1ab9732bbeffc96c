// session.increment(): counters that lose nothing to parallel requests, saved as a merged write
// (numbers added to the row as it is) where the store can merge, as the MemoryStore and the
// PostgreSQL stores can. The database side is in the store contract and test/integration/contention.
import { randomBytes } from "node:crypto";
import { MemoryStore, SessionDataError, SessionManager, SessionStateError, type SessionManagerOptions } from "../../src/index.js";
import { simulateRequest } from "../support/simulate-request.js";

const secret = randomBytes(32).toString("hex");

/** Two managers on one store, as two processes; the store's writes are recorded by method. */
function setup(options: Partial<SessionManagerOptions> = {}) {
  const store = new MemoryStore<number, { id: number }>([[1, { id: 1 }]]);
  const writes: string[] = [];
  for (const method of ["insert", "updateIfVersion", "mergeUpdate"] as const) {
    const original = store[method].bind(store) as (...args: unknown[]) => Promise<unknown>;
    (store as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
      const result = await original(...args);
      writes.push(`${method}:${result === null || result === false ? "missed" : "written"}`);
      return result;
    };
  }
  const open = () => new SessionManager<Record<string, unknown>, { id: number }, number>(store, { secret, ...options });
  return { store, writes, manager: open(), other: open() };
}

describe("session.increment()", () => {
  it("adds to a number, counting absent and null as 0, and returns the sum", async () => {
    const { manager } = setup();
    const session = manager.create();
    expect(session.increment("views")).toBe(1);
    expect(session.increment("views", 41)).toBe(42);
    expect(session.increment("views", -2)).toBe(40);
    session.set("empty", null);
    expect(session.increment("empty", 3)).toBe(3);
    expect(session.get("views")).toBe(40);
    expect(session.data.views).toBe(40);
  });

  it("refuses a key that holds something else, an amount that is not a safe integer, and a read-only or committed session, changing nothing", async () => {
    const { manager } = setup();
    const session = manager.create();
    session.set("name", "Ada");
    session.set("list", [1]);
    expect(() => session.increment("name")).toThrow(new SessionDataError('Cannot increment session key "name": it holds a string, not a number'));
    expect(() => session.increment("list")).toThrow('it holds an array, not a number');
    for (const by of [1.5, Number.NaN, Infinity, 2 ** 53, "1" as unknown as number]) {
      expect(() => session.increment("n", by)).toThrow(SessionDataError);
    }
    expect(() => session.increment("$flash")).toThrow(SessionDataError);
    expect(Object.fromEntries(session.entries())).toEqual({ name: "Ada", list: [1] });

    const token = await simulateRequest(manager, null, (s) => s.increment("n"));
    const readOnly = await manager.load(token, { readOnly: true });
    expect(() => readOnly.increment("n")).toThrow(SessionStateError);
    const committed = await manager.load(token);
    await manager.commit(committed);
    expect(() => committed.increment("n")).toThrow(SessionStateError);
  });

  it("saves an increment as one merged write that keeps what another process saved meanwhile", async () => {
    const { manager, other, writes } = setup();
    const token = (await simulateRequest(manager, null, (s) => s.set("count", 10)))!;
    const [first, second] = [await manager.load(token), await other.load(token)];
    const conflicts: string[] = [];
    other.on("conflict", (event) => void conflicts.push(event.resolution));
    first.set("name", "Ada");
    first.increment("count");
    await manager.commit(first);
    second.increment("count", 5);
    second.set("theme", "dark");
    second.delete("missing");
    writes.length = 0;
    await other.commit(second);
    // No version check to lose: the second request's changes are applied to the row the first wrote.
    expect(writes).toEqual(["mergeUpdate:written"]);
    expect(conflicts).toEqual(["merged"]);
    expect(Object.fromEntries(second.entries())).toEqual({ count: 16, name: "Ada", theme: "dark" });
    expect(Object.fromEntries((await manager.load(token)).entries())).toEqual({ count: 16, name: "Ada", theme: "dark" });
  });

  it("a save of keys set outright takes the version check first, and is merged once it lost", async () => {
    const { manager, other, writes } = setup();
    const token = (await simulateRequest(manager, null, (s) => s.set("a", 1)))!;
    const [first, second] = [await manager.load(token), await other.load(token)];
    first.set("a", 2);
    await manager.commit(first);
    second.set("b", 2);
    writes.length = 0;
    await other.commit(second);
    expect(writes).toEqual(["updateIfVersion:missed", "mergeUpdate:written"]);
    expect(Object.fromEntries((await manager.load(token)).entries())).toEqual({ a: 2, b: 2 });
  });

  it("combines the increments of parallel requests in one process, and of other processes, losing none", async () => {
    const { manager, other } = setup();
    const token = (await simulateRequest(manager, null, (s) => s.set("start", true)))!;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => simulateRequest(i % 2 === 0 ? manager : other, token, (s) => s.increment("count", i + 1))),
    );
    expect((await manager.load(token)).get("count")).toBe(210);
  });

  it("a set after an increment wins; an increment after a set adds to it; an update makes the save a replay", async () => {
    const { manager, other, writes } = setup();
    const token = (await simulateRequest(manager, null, (s) => s.set("a", 1).set("b", 1).set("c", 1)))!;
    const [first, second] = [await manager.load(token), await other.load(token)];
    first.increment("a", 100);
    first.increment("b", 100);
    first.increment("c", 100);
    await manager.commit(first);
    second.increment("a");
    second.set("a", 7);
    second.set("b", 7);
    second.increment("b");
    writes.length = 0;
    await other.commit(second);
    // A save with an increment is merged at once, its other keys with it.
    expect(writes).toEqual(["mergeUpdate:written"]);
    expect(Object.fromEntries((await manager.load(token)).entries())).toEqual({ a: 7, b: 8, c: 101 });

    const [third, fourth] = [await manager.load(token), await other.load(token)];
    third.increment("c");
    await manager.commit(third);
    fourth.increment("c");
    fourth.update("a", (a) => (a as number) * 2);
    writes.length = 0;
    await other.commit(fourth);
    // An updater needs the row's value: a version-checked write, lost to the third request, then replayed.
    expect(writes.slice(0, 1)).toEqual(["updateIfVersion:missed"]);
    expect(writes).not.toContain("mergeUpdate:written");
    expect(Object.fromEntries((await manager.load(token)).entries())).toEqual({ a: 14, b: 8, c: 103 });
  });

  it("fails only the request that adds to a key another process set to a non-number, with a typed error", async () => {
    const { manager, other } = setup();
    const token = (await simulateRequest(manager, null, (s) => s.set("count", 1)))!;
    const [first, second] = [await manager.load(token), await other.load(token)];
    first.set("count", "many");
    await manager.commit(first);
    second.increment("count");
    await expect(other.commit(second)).rejects.toMatchObject({ name: "SessionDataError", key: "count", status: 500 });
    expect((await manager.load(token)).get("count")).toBe("many");
  });

  it("never lets a merge grow the data past maxDataBytes: the request that would is refused with a 413", async () => {
    const { manager, other } = setup({ maxDataBytes: 200 });
    const token = (await simulateRequest(manager, null, (s) => s.set("count", 1)))!;
    const [first, second] = [await manager.load(token), await other.load(token)];
    first.set("note", "x".repeat(150));
    await manager.commit(first);
    second.increment("count");
    second.set("more", "y".repeat(40));
    await expect(other.commit(second)).rejects.toMatchObject({ name: "SessionDataError", reason: "too-large", status: 413 });
    expect(Object.fromEntries((await manager.load(token)).entries())).toEqual({ count: 1, note: "x".repeat(150) });
  });

  it("refuses a sum past Number.MAX_SAFE_INTEGER, here and when replayed on another process's value", async () => {
    const { manager, other } = setup();
    const session = manager.create();
    session.set("n", Number.MAX_SAFE_INTEGER - 1);
    expect(session.increment("n")).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => session.increment("n")).toThrow("past Number.MAX_SAFE_INTEGER");
    const token = (await simulateRequest(manager, null, (s) => s.set("n", 0)))!;
    const [first, second] = [await manager.load(token), await other.load(token)];
    first.set("n", Number.MAX_SAFE_INTEGER);
    await manager.commit(first);
    second.increment("n");
    await expect(other.commit(second)).rejects.toMatchObject({ name: "SessionDataError", key: "n" });
  });

  it('takes the version-checked path under conflict: "error": a parallel increment is a ConflictError, not merged', async () => {
    const { manager, other, writes } = setup({ conflict: "error" });
    const token = (await simulateRequest(manager, null, (s) => s.set("count", 1)))!;
    const [first, second] = [await manager.load(token), await other.load(token)];
    first.increment("count");
    await manager.commit(first);
    second.increment("count");
    writes.length = 0;
    await expect(other.commit(second)).rejects.toMatchObject({ code: "SESSION_CONFLICT" });
    expect(writes).toEqual(["updateIfVersion:missed"]);
    expect((await manager.load(token)).get("count")).toBe(2);
  });

  it("takes the version-checked path when the save also sets the user, so the user is written as the replay would", async () => {
    const { manager, other, writes } = setup();
    const token = (await simulateRequest(manager, null, (s) => s.setUser(1)))!;
    const [first, second] = [await manager.load(token), await other.load(token)];
    await first.clearUser({ rotate: false });
    await manager.commit(first);
    await second.setUser(1, { rotate: false });
    second.increment("count");
    writes.length = 0;
    await other.commit(second);
    expect(writes[0]).toBe("updateIfVersion:missed");
    expect(writes).not.toContain("mergeUpdate:written");
    const after = await manager.load(token);
    expect([after.userId, after.get("count")]).toEqual([1, 1]);
  });

  it("judges queued requests' data as the replay does: a request fits once the one before it freed space", async () => {
    const { manager, writes } = setup({ maxDataBytes: 200 });
    const token = (await simulateRequest(manager, null, (s) => s.set("big", "x".repeat(120)).set("list", [])))!;
    const [first, second] = [await manager.load(token), await manager.load(token)];
    first.delete("big");
    // The second request, queued behind the first, would be over the limit on the data it loaded.
    (second.data.list as string[]).push("y".repeat(100));
    second.increment("n");
    writes.length = 0;
    await Promise.all([manager.commit(first), manager.commit(second)]);
    expect(Object.fromEntries((await manager.load(token)).entries())).toEqual({ list: ["y".repeat(100)], n: 1 });
    expect(writes.every((write) => write.endsWith(":written"))).toBe(true);
  });

  it("drops the increments of a session deleted or expired meanwhile, without reviving it", async () => {
    const { manager, other } = setup();
    const token = (await simulateRequest(manager, null, (s) => s.set("count", 1)))!;
    const session = await other.load(token);
    await manager.destroy(session.id);
    session.increment("count");
    await other.commit(session);
    expect((await manager.load(token)).isNew).toBe(true);
  });
});
