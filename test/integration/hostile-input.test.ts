import { isDeepStrictEqual } from "node:util";
import express from "express";
import fc from "fast-check";
import request from "supertest";
import { MemoryStore, SessionDataError, SessionManager, type SessionStore } from "../../src/index.js";
import { PrismaStore } from "../../src/prisma.js";
import { CookieTransport } from "../../src/transports/cookie-transport.js";
import { HeaderTransport } from "../../src/transports/header-transport.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";
import { simulateRequest } from "../support/simulate-request.js";

const secret = "fuzz-secret-fuzz-secret-fuzz-secret!";
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

/** Wraps every store method to count the calls that reach the database. */
function countingStore<S extends SessionStore<number, unknown>>(store: S): { store: S; calls: () => number } {
  let calls = 0;
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        calls++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: proxy, calls: () => calls };
}

/** Cookie-ish garbage: forged, truncated, oversized, non-base64, SQL, Unicode, repeated. */
function hostileTokens(valid: string) {
  const [token, signature] = valid.split(".") as [string, string];
  return fc.oneof(
    fc.string(),
    fc.string({ unit: "binary", maxLength: 200 }),
    fc.string({ unit: "grapheme", maxLength: 100 }),
    fc.base64String({ minLength: 86, maxLength: 90 }),
    fc.stringMatching(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/),
    fc.constantFrom("' OR '1'='1", "'; DROP TABLE \"Session\"; --", "\u0000", "%00", "../../etc/passwd", "null", "undefined"),
    fc.nat({ max: 86 }).map((n) => valid.slice(0, n)),
    fc.string({ minLength: 1, maxLength: 3 }).map((extra) => valid + extra),
    fc.tuple(fc.nat({ max: 86 }), fc.stringMatching(/^[A-Za-z0-9_-]$/)).map(([at, c]) =>
      valid[at] === c || at === 43 ? `${valid}!` : valid.slice(0, at) + c + valid.slice(at + 1),
    ),
    fc.stringMatching(/^[A-Za-z0-9_-]{43}$/).map((forged) => `${token}.${forged}`),
    fc.stringMatching(/^[A-Za-z0-9_-]{43}$/).map((other) => `${other}.${signature}`),
    fc.string({ minLength: 5000, maxLength: 20000 }),
  );
}

describe("hostile cookies and headers", () => {
  it("10,000 generated values give a fresh session, never a crash, and no database query", async () => {
    const { store, calls } = countingStore(new PrismaStore<number>(db.prisma));
    const manager = new SessionManager(store, { secret });
    const valid = (await simulateRequest(manager, null, (s) => s.set("real", true)))!;
    let queriesForHostileValues = 0;
    const cookies = new CookieTransport();
    const headers = new HeaderTransport();
    await fc.assert(
      fc.asyncProperty(hostileTokens(valid), fc.boolean(), async (value, asHeader) => {
        const req = asHeader
          ? { headers: { authorization: `Bearer ${value}` } }
          : { headers: { cookie: `sessionrow=${value}; sessionrow=${valid}` } };
        const transport = asHeader ? headers : cookies;
        const presented = transport.getToken(req as never);
        const before = calls();
        const session = await manager.load(presented);
        // A value the cookie parser skips leaves the repeated valid cookie: not a hostile value.
        if (presented === valid) return;
        queriesForHostileValues += calls() - before;
        expect(session.isNew).toBe(true);
        expect(session.keys()).toEqual([]);
      }),
      { numRuns: 10_000 },
    );
    expect(queriesForHostileValues).toBe(0);
  });

  it("1,000 hostile requests through Express answer 200 with a fresh session", async () => {
    const { store, calls } = countingStore(new PrismaStore<number>(db.prisma));
    const manager = new SessionManager(store, { secret });
    const app = express();
    app.use(manager.express());
    app.get("/", (req, res) => {
      res.json({ isNew: req.session.isNew, keys: req.session.keys() });
    });
    const valid = (await simulateRequest(manager, null, (s) => s.set("real", true)))!;
    const before = calls();
    await fc.assert(
      fc.asyncProperty(hostileTokens(valid).filter((v) => v !== valid && v.length < 4000), async (value) => {
        // Only bytes an HTTP client can put in a header.
        const cookie = `sessionrow=${encodeURIComponent(value)}`;
        const response = await request(app).get("/").set("Cookie", cookie);
        expect(response.status).toBe(200);
        expect(response.body).toEqual({ isNew: true, keys: [] });
      }),
      { numRuns: 1_000 },
    );
    expect(calls() - before).toBe(0);
  });
});

/** Values JSON can and cannot represent, including the awkward ones. */
const hostileValue = fc.oneof(
  fc.jsonValue(),
  fc.anything({
    withBigInt: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withSparseArray: true,
    withBoxedValues: true,
    withTypedArray: true,
    maxDepth: 4,
  }),
  fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    undefined,
    Symbol("s"),
    () => 1,
    JSON.parse('{"__proto__": {"polluted": 1}}'),
    { constructor: { prototype: { polluted: 1 } } },
    "x".repeat(70_000),
  ),
);

/** JSON has no -0: it is stored, and read back, as 0 (the only value that changes). */
function withoutNegativeZero(value: unknown): unknown {
  if (Object.is(value, -0)) return 0;
  if (Array.isArray(value)) return value.map(withoutNegativeZero);
  if (typeof value === "object" && value !== null) {
    const copy: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      Object.defineProperty(copy, key, { value: withoutNegativeZero(child), enumerable: true, writable: true, configurable: true });
    }
    return copy;
  }
  return value;
}

describe("hostile session data", () => {
  it.each([
    ["MemoryStore", () => new MemoryStore<number>(), 2_000],
    ["PrismaStore on PostgreSQL", () => new PrismaStore<number>(db.prisma), 300],
  ])("%s: every value is stored and read back identical, or rejected naming the key", async (_name, makeStore, runs) => {
    const manager = new SessionManager(makeStore(), { secret });
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 20 }), hostileValue, async (rawKey, value) => {
        const key = rawKey.startsWith("$") || rawKey === "__proto__" ? `k${rawKey}` : rawKey;
        const session = manager.create();
        session.set("existing", 1);
        let rejected: unknown;
        try {
          session.set(key, value as never);
        } catch (error) {
          rejected = error;
        }
        if (rejected !== undefined) {
          expect(rejected).toBeInstanceOf(SessionDataError);
          expect((rejected as SessionDataError).key).toBe(key);
          expect(session.keys()).toEqual(["existing"]);
          return;
        }
        await manager.commit(session);
        const loaded = await manager.load(manager.signedToken(session));
        if (value === undefined) expect(loaded.has(key)).toBe(false);
        else expect(isDeepStrictEqual(loaded.get(key), withoutNegativeZero(value))).toBe(true);
      }),
      { numRuns: runs },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
  });
});
