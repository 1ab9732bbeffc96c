import fc from "fast-check";
import request from "supertest";
import { SessionManager, type SessionManagerOptions, type SessionStore } from "../../src/index.js";
import { countingStore } from "../support/counting-store.js";
import { FakeClock } from "../support/fake-clock.js";
import { checkHostileData, hostileTokens } from "../support/hostile-data.js";
import { createSessionApp, sessionCookie } from "../support/session-app.js";
import { simulateRequest } from "../support/simulate-request.js";
import { sqlStoreTargets, type OpenedStore } from "../support/sql-stores.js";

const secret = "JlDqWskjaeK1QYDky_Xz2MCmiAqnkUaHzDHGcoPS4vU";

describe.each(sqlStoreTargets.map((target) => [target.name, target] as const))("reliability on %s", (_name, target) => {
  let opened: OpenedStore;

  beforeAll(async () => {
    opened = await target.open();
  });
  afterAll(async () => {
    await opened?.close();
  });

  function manager(options: Partial<SessionManagerOptions> = {}, store: SessionStore<number, { id: number }> = opened.store) {
    return new SessionManager(store, { secret, ...options });
  }

  it("stores no cookie token anywhere in the session table after real logins", async () => {
    const sessions = manager();
    const app = createSessionApp(sessions);
    const issued: string[] = [];
    const users: number[] = [];
    for (let i = 0; i < 3; i++) {
      const userId = await opened.createUser();
      users.push(userId);
      const login = await request(app).get(`/login/${userId}`);
      issued.push(decodeURIComponent(sessionCookie(login.headers).split("=")[1]!));
    }
    const rows = [];
    for await (const row of sessions.iterate({ includeData: true })) rows.push(row);
    const dump = JSON.stringify(rows);
    expect(rows.filter((row) => row.userId !== null && users.includes(row.userId)).length).toBe(3);
    for (const signed of issued) {
      const [token, signature] = signed.split(".") as [string, string];
      expect(dump).not.toContain(token);
      expect(dump).not.toContain(signature);
      expect(dump).not.toContain(Buffer.from(token, "base64url").toString("hex"));
    }
  });

  it("reports a user id that is no user row as SessionDataError (the caller's mistake), not as an outage", async () => {
    const sessions = manager();
    const token = (await simulateRequest(sessions, null, (s) => s.set("a", 1)))!;
    const session = await sessions.load(token);
    await session.setUser(2_000_000_000);
    await expect(sessions.commit(session)).rejects.toMatchObject({
      name: "SessionDataError",
      code: "SESSION_DATA_INVALID",
      reason: "unknown-user",
      status: 409,
    });
    const fresh = sessions.create();
    await fresh.setUser(2_000_000_000);
    await expect(sessions.commit(fresh)).rejects.toMatchObject({ name: "SessionDataError" });
    expect((await sessions.load(token)).userId).toBeNull();
  });

  it("answers 1,000 hostile tokens with a fresh session and no database query", async () => {
    const { store, calls } = countingStore(opened.store);
    const sessions = manager({}, store);
    const valid = (await simulateRequest(sessions, null, (s) => s.set("real", true)))!;
    let queries = 0;
    await fc.assert(
      fc.asyncProperty(hostileTokens(valid), async (value) => {
        const before = calls();
        const session = await sessions.load(value);
        if (value === valid) return;
        queries += calls() - before;
        expect(session.isNew).toBe(true);
      }),
      { numRuns: 1_000 },
    );
    expect(queries).toBe(0);
  });

  it("stores and reads back identical every value it accepts, and rejects the rest naming the key", async () => {
    await checkHostileData(manager(), 200);
    expect(Object.prototype).not.toHaveProperty("polluted");
  });

  it("expires sessions by the database's stored timestamps: sliding idle expiry, capped by the absolute one", async () => {
    const clock = new FakeClock(Date.now());
    const sessions = manager({ idleTimeout: 1500, absoluteTimeout: 2600, touchAfter: 50, clock });
    const sliding = (await simulateRequest(sessions, null, (s) => s.set("a", 1)))!;
    const idle = (await simulateRequest(sessions, null, (s) => s.set("b", 1)))!;
    for (let visit = 0; visit < 2; visit++) {
      clock.advance(900);
      // Each visit is a touch: the idle expiry moves to 1.5 s from now, but never past 2.6 s.
      expect(await simulateRequest(sessions, sliding, (s) => expect(s.get("a")).toBe(1))).toBe(sliding);
    }
    expect((await sessions.load(idle)).isNew).toBe(true); // 1.8 s without a visit > 1.5 s idle
    clock.advance(799);
    // Visited 0.8 s ago (idle expiry would be 2.3 s later) and created 2.599 s ago: still live.
    expect((await sessions.load(sliding, { readOnly: true })).isNew).toBe(false);
    clock.advance(1);
    // Created 2.6 s ago: the absolute expiry wins over the idle one.
    expect((await sessions.load(sliding)).isNew).toBe(true);
  });

  it("prunes exactly the expired rows in batches while requests on live sessions keep working", async () => {
    const clock = new FakeClock(Date.now());
    const sessions = manager({ idleTimeout: "10m", clock });
    const expired = await Promise.all(Array.from({ length: 25 }, () => simulateRequest(sessions, null, (s) => s.set("old", true))));
    clock.advance(11 * 60_000);
    const live = await Promise.all(Array.from({ length: 5 }, () => simulateRequest(sessions, null, (s) => s.set("new", true))));
    const app = createSessionApp(sessions);
    let expiredRows = 0;
    for await (const row of sessions.iterate()) if (row.expiresAt.getTime() <= clock.now()) expiredRows++;
    const [pruned, responses] = await Promise.all([
      sessions.prune({ batchSize: 10 }),
      Promise.all(live.map((token) => request(app).get("/increment").set("Cookie", `__Host-sessionrow=${token}`))),
    ]);
    expect(pruned).toBe(expiredRows);
    expect(expiredRows).toBeGreaterThanOrEqual(25); // ours, and any other test's expired rows in this database
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    for (const token of expired) expect((await sessions.load(token)).isNew).toBe(true);
    for (const token of live) expect((await sessions.load(token)).get("count")).toBe(1);
  });
});
