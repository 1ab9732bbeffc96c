// Contention across processes: when a save loses its version check to another process, a store that
// can merge (PostgreSQL) writes its changes into the row as it is, and one that can lock rows writes
// it once more under the row lock, so that it cannot lose again. Each request then costs at most one
// optimistic UPDATE and one merged or locked write, and never re-reads to retry. Counters kept with
// increment() are one merged write on PostgreSQL.
import { randomBytes } from "node:crypto";
import { SessionManager, type SessionStore } from "../../src/index.js";
import { PrismaStore } from "../../src/prisma.js";
import { TypeORMStore } from "../../src/typeorm.js";
import { createMariaDbTestDatabase, type MariaDbTestDatabase } from "../support/mariadb.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";
import { simulateRequest } from "../support/simulate-request.js";
import { openTypeORM, type TypeORMTestDatabase } from "../support/typeorm.js";

let postgres: TestDatabase;
let mariadb: MariaDbTestDatabase;
let typeorm: TypeORMTestDatabase;

beforeAll(async () => {
  [postgres, mariadb] = await Promise.all([createTestDatabase(), createMariaDbTestDatabase()]);
  typeorm = await openTypeORM({ type: "postgres", url: postgres.url });
});
afterAll(async () => {
  await typeorm?.close();
  await Promise.all([postgres?.drop(), mariadb?.drop()]);
});

/** Counts the calls of each store method. */
function counted(store: SessionStore<number, unknown>) {
  const calls: Record<string, number> = {};
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        calls[String(property)] = (calls[String(property)] ?? 0) + 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: proxy, calls };
}

/** A store, and the write that settles a save that lost its version check to another process. */
const stores: [string, () => SessionStore<number, unknown>, "mergeUpdate" | "updateLocked"][] = [
  ["Prisma on PostgreSQL", () => new PrismaStore<number>(postgres.prisma), "mergeUpdate"],
  ["Prisma on PostgreSQL with { pool }", () => new PrismaStore<number>(postgres.prisma, { pool: postgres.pool }), "mergeUpdate"],
  ["Prisma on MariaDB", () => new PrismaStore<number>(mariadb.prisma), "updateLocked"],
  ["TypeORM on PostgreSQL", () => new TypeORMStore<number>(typeorm.dataSource, { entity: typeorm.Session }), "mergeUpdate"],
];

describe.each(stores)("contention on %s", (_name, open, settledBy) => {
  it("20 processes saving one session at once: every key kept, each save one UPDATE plus at most one merged or locked write, no re-read", async () => {
    const secret = randomBytes(32).toString("hex");
    // One manager per request, as if from 20 processes: a manager combines its own parallel saves.
    const managers = Array.from({ length: 20 }, () => {
      const { store, calls } = counted(open());
      return { manager: new SessionManager(store, { secret }), calls };
    });
    const token = await simulateRequest(managers[0]!.manager, null, (session) => session.set("start", true));
    const sessions = await Promise.all(managers.map(({ manager }) => manager.load(token)));
    sessions.forEach((session, i) => session.set(`key${i}`, i));
    await Promise.all(sessions.map((session, i) => managers[i]!.manager.commit(session)));

    const after = await managers[0]!.manager.load(token);
    expect(after.keys().sort()).toEqual(["start", ...Array.from({ length: 20 }, (_, i) => `key${i}`)].sort());
    const total = (method: string) => managers.reduce((sum, { calls }) => sum + (calls[method] ?? 0), 0);
    expect(total("updateIfVersion")).toBe(20);
    // The first writer wins its version check; every other conflict is settled by one merged
    // (PostgreSQL) or locked (MariaDB) write.
    const settled = total(settledBy);
    expect(settled).toBeGreaterThanOrEqual(1);
    expect(settled).toBeLessThanOrEqual(19);
    // On MariaDB, mergeUpdate answers that it cannot, once per manager that asks.
    if (settledBy === "mergeUpdate") expect(total("updateLocked")).toBe(0);
    // Loads: each manager's load of the token and the check above; none to retry.
    expect(total("load")).toBe(20 + 1);
  });

  it("10 processes incrementing one counter 20 times each keep every increment", async () => {
    const secret = randomBytes(32).toString("hex");
    const managers = Array.from({ length: 10 }, () => new SessionManager(open(), { secret }));
    const token = await simulateRequest(managers[0]!, null, (session) => session.set("count", 0));
    await Promise.all(
      managers.map(async (manager) => {
        for (let i = 0; i < 20; i++) await simulateRequest(manager, token, (session) => session.update("count", (n) => (n as number) + 1));
      }),
    );
    expect((await managers[0]!.load(token)).get("count")).toBe(200);
  });

  it("10 processes calling increment() 20 times each keep every increment; on PostgreSQL each save is one merged write", async () => {
    const secret = randomBytes(32).toString("hex");
    const managers = Array.from({ length: 10 }, () => {
      const { store, calls } = counted(open());
      return { manager: new SessionManager(store, { secret }), calls };
    });
    const token = await simulateRequest(managers[0]!.manager, null, (session) => session.set("other", "kept"));
    await Promise.all(
      managers.map(async ({ manager }) => {
        for (let i = 0; i < 20; i++) await simulateRequest(manager, token, (session) => session.increment("count"));
      }),
    );
    const after = await managers[0]!.manager.load(token);
    expect(Object.fromEntries(after.entries())).toEqual({ other: "kept", count: 200 });
    const total = (method: string) => managers.reduce((sum, { calls }) => sum + (calls[method] ?? 0), 0);
    if (settledBy === "mergeUpdate") {
      expect(total("mergeUpdate")).toBe(200);
      expect(total("updateIfVersion")).toBe(0);
      expect(total("updateLocked")).toBe(0);
    } else {
      // MariaDB has no merged write: each manager asks once and learns it; then a version-checked
      // update per save, and a locked one after a conflict.
      expect(total("mergeUpdate")).toBe(10);
      expect(total("updateIfVersion")).toBeGreaterThanOrEqual(200);
    }
  });
});
