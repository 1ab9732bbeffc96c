import express from "express";
import fc from "fast-check";
import request from "supertest";
import { MemoryStore, SessionManager } from "../../src/index.js";
import { PrismaStore } from "../../src/prisma.js";
import { CookieTransport } from "../../src/transports/cookie-transport.js";
import { HeaderTransport } from "../../src/transports/header-transport.js";
import { countingStore } from "../support/counting-store.js";
import { checkHostileData, hostileTokens } from "../support/hostile-data.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";
import { simulateRequest } from "../support/simulate-request.js";

const secret = "InVxLIi1tX6d2XU4vn-7hturecn7M5jzSUuHtqvMho8";
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

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
        const presented = asHeader
          ? headers.readToken({ authorization: `Bearer ${value}` })
          : cookies.readToken({ cookie: `${cookies.name}=${value}` });
        const before = calls();
        const session = await manager.load(presented);
        // A generated value that carries the valid token itself (e.g. a second cookie pair) is not a hostile value.
        if (presented === valid || (Array.isArray(presented) && presented.includes(valid))) return;
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
        const cookie = `__Host-sessionrow=${encodeURIComponent(value)}`;
        const response = await request(app).get("/").set("Cookie", cookie);
        expect(response.status).toBe(200);
        expect(response.body).toEqual({ isNew: true, keys: [] });
      }),
      { numRuns: 1_000 },
    );
    expect(calls() - before).toBe(0);
  });
});

describe("hostile session data", () => {
  it.each([
    // The SQL stores run the same property in sql-store-reliability.test.ts.
    ["MemoryStore", () => new MemoryStore<number>(), 2_000],
  ])("%s: every value is stored and read back identical, or rejected naming the key", async (_name, makeStore, runs) => {
    await checkHostileData(new SessionManager(makeStore(), { secret }), runs);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
  });
});
