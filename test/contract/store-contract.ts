import { randomBytes } from "node:crypto";
import {
  SessionManager,
  type SessionMerge,
  type SessionRecord,
  type SessionStore,
  type StoreDatabase,
  type UserId,
} from "../../src/index.js";
import { sessionIdOf, generateToken } from "../../src/token.js";
import { simulateRequest } from "../support/simulate-request.js";

/** A store under test, with a way to make and remove rows in its user table. */
export interface StoreFixture<TUserId extends UserId> {
  store: SessionStore<TUserId, { id: TUserId }>;
  /** Inserts a user row and returns its id. */
  createUser(): Promise<TUserId>;
  /** Deletes a user row (sessions must go with it: ON DELETE CASCADE). */
  deleteUser(id: TUserId): Promise<void>;
  /** Called once after the suite. */
  close(): Promise<void>;
  /** The database system and session table the store should name for telemetry, if any. */
  database: Pick<StoreDatabase, "system" | "collection"> | undefined;
  /** Whether the store locks rows (`updateLocked` writes) on this database; else it answers `undefined` or lacks the method. */
  locksRows: boolean;
  /** Whether the store merges data (`mergeUpdate` writes) on this database; else it answers `undefined` or lacks the method. */
  mergesData: boolean;
}

const HOUR = 3_600_000;

/** A row as the manager would insert it; `at` is its creation time. */
export function makeRecord<TUserId extends UserId>(
  overrides: Partial<SessionRecord<TUserId>> = {},
  at = new Date(Date.now() - 1000),
): SessionRecord<TUserId> {
  return {
    id: sessionIdOf(generateToken()),
    userId: null,
    data: {},
    version: 0,
    createdAt: at,
    updatedAt: at,
    lastSeenAt: at,
    expiresAt: new Date(at.getTime() + HOUR),
    absoluteExpiresAt: new Date(at.getTime() + 24 * HOUR),
    ipAddress: "203.0.113.7",
    userAgent: "contract-test",
    ...overrides,
  };
}

/**
 * The store contract: every store, on every database, must pass this same suite.
 * `idKind` says whether the fixture's user ids are integers or strings.
 */
export function describeStoreContract<TUserId extends UserId>(
  name: string,
  idKind: "int" | "string",
  setup: () => Promise<StoreFixture<TUserId>>,
): void {
  describe(`store contract: ${name}`, () => {
    let fixture: StoreFixture<TUserId>;
    let store: SessionStore<TUserId, { id: TUserId }>;

    beforeAll(async () => {
      fixture = await setup();
      store = fixture.store;
    });
    afterAll(async () => {
      await fixture?.close();
    });

    it("names its database system and session table for telemetry", async () => {
      // The Prisma store asks the database what it is, once.
      await store.describeDatabase?.();
      const database = store.database;
      expect(database && { system: database.system, collection: database.collection }).toEqual(fixture.database);
    });

    it("reports its capabilities", () => {
      expect(typeof store.capabilities.multiProcessSafe).toBe("boolean");
      expect(typeof store.capabilities.persistent).toBe("boolean");
    });

    it("inserts and loads a row unchanged, timestamps to the millisecond", async () => {
      const at = new Date(Math.floor(Date.now() / 1000) * 1000 + 987);
      const userId = await fixture.createUser();
      const record = makeRecord<TUserId>({ userId, data: { views: 3, nested: { list: [1, "two", null] } } }, at);
      await store.insert(record);
      const loaded = await store.load(record.id);
      expect(loaded?.record).toEqual(record);
      expect(loaded?.record.createdAt.getTime()).toBe(at.getTime());
      expect(typeof loaded?.record.userId).toBe(idKind === "int" ? "number" : "string");
    });

    it("returns null for an unknown id", async () => {
      expect(await store.load(sessionIdOf("nope"))).toBeNull();
      expect(await store.load("")).toBeNull();
    });

    it("loads the user row with the session when asked", async () => {
      const userId = await fixture.createUser();
      const withUser = makeRecord<TUserId>({ userId });
      const anonymous = makeRecord<TUserId>();
      await store.insert(withUser);
      await store.insert(anonymous);
      expect((await store.load(withUser.id, { withUser: true }))?.user).toMatchObject({ id: userId });
      expect((await store.load(anonymous.id, { withUser: true }))?.user).toBeNull();
      expect(await store.loadUser(userId)).toMatchObject({ id: userId });
    });

    it("round-trips Unicode and nested JSON exactly", async () => {
      const data = {
        text: "héllo 🌍 \u2028 日本語 \"quoted\" \\ back",
        emoji: "👩‍👩‍👧‍👦",
        nested: { deeper: { deepest: [[[]], {}, { a: [true, false, 0, -1.5, 1e21] }] } },
        "key with spaces and ключ": "value",
      };
      const record = makeRecord<TUserId>({ data });
      await store.insert(record);
      expect((await store.load(record.id))?.record.data).toEqual(data);
    });

    it("updates only when the version matches, and can change the id (rotation)", async () => {
      const record = makeRecord<TUserId>({ data: { a: 1 } });
      await store.insert(record);
      const userId = await fixture.createUser();
      const newId = sessionIdOf(generateToken());
      const update = {
        id: newId,
        userId,
        data: { a: 2 },
        version: 1,
        updatedAt: new Date(),
        lastSeenAt: new Date(),
        expiresAt: new Date(Date.now() + HOUR),
      };
      expect(await store.updateIfVersion(record.id, 5, update)).toBe(false);
      expect((await store.load(record.id))?.record.data).toEqual({ a: 1 });
      expect(await store.updateIfVersion(record.id, 0, update)).toBe(true);
      expect(await store.load(record.id)).toBeNull();
      const loaded = (await store.load(newId))!.record;
      expect(loaded).toMatchObject({ id: newId, userId, data: { a: 2 }, version: 1 });
      expect(loaded.createdAt).toEqual(record.createdAt);
      expect(await store.updateIfVersion(record.id, 0, update)).toBe(false);
    });

    it("never creates a row on update or touch of a missing id", async () => {
      const id = sessionIdOf(generateToken());
      const now = new Date();
      expect(
        await store.updateIfVersion(id, 0, { id, userId: null, data: {}, version: 1, updatedAt: now, lastSeenAt: now, expiresAt: now }),
      ).toBe(false);
      expect(await store.touch(id, { lastSeenAt: now, expiresAt: now })).toBe(false);
      expect(await store.load(id)).toBeNull();
    });

    it("neither updates nor touches a row whose idle or absolute expiry passed while the request ran", async () => {
      const at = new Date(Date.now() - 2 * HOUR);
      const idle = makeRecord<TUserId>({ data: { n: 1 }, expiresAt: new Date(at.getTime() + HOUR) }, at);
      const absolute = makeRecord<TUserId>({ data: { n: 1 }, absoluteExpiresAt: new Date(at.getTime() + HOUR) }, at);
      await store.insert(idle);
      await store.insert(absolute);
      // The request loaded both before they expired; it saves an hour and a millisecond after the last visit.
      const late = new Date(at.getTime() + HOUR + 1);
      const revived = new Date(late.getTime() + HOUR);
      for (const record of [idle, absolute]) {
        const update = { id: record.id, userId: null, data: { n: 2 }, version: 1, updatedAt: late, lastSeenAt: late, expiresAt: revived };
        expect(await store.updateIfVersion(record.id, 0, update)).toBe(false);
        expect(await store.touch(record.id, { lastSeenAt: late, expiresAt: revived })).toBe(false);
        expect((await store.load(record.id))!.record).toEqual(record);
      }
      // One millisecond before the idle expiry, both writes still apply.
      const inTime = new Date(at.getTime() + HOUR - 1);
      expect(await store.touch(idle.id, { lastSeenAt: inTime, expiresAt: revived })).toBe(true);
      expect((await store.load(idle.id))!.record.expiresAt).toEqual(revived);
      await Promise.all([store.delete(idle.id), store.delete(absolute.id)]);
    });

    it("writes under a row lock where it locks rows: 10 parallel locked increments all land; a gone or expired row is not written", async () => {
      const record = makeRecord<TUserId>({ data: { n: 0 } });
      await store.insert(record);
      const increment = (row: SessionRecord<TUserId> | null) =>
        row && { ...row, data: { n: (row.data.n as number) + 1 }, version: row.version + 1, updatedAt: new Date(), lastSeenAt: new Date() };
      const results = await Promise.all(Array.from({ length: 10 }, () => store.updateLocked?.(record.id, increment)));
      if (!fixture.locksRows) {
        expect(results).toEqual(Array.from({ length: 10 }, () => undefined));
        expect((await store.load(record.id))!.record).toEqual(record);
        return;
      }
      expect(results).toEqual(Array.from({ length: 10 }, () => true));
      expect((await store.load(record.id))!.record).toMatchObject({ data: { n: 10 }, version: 10 });

      const seen: unknown[] = [];
      const missing = sessionIdOf(generateToken());
      expect(await store.updateLocked!(missing, (row) => (seen.push(row), increment(row)))).toBe(false);
      expect(seen).toEqual([null]);
      expect(await store.load(missing)).toBeNull();

      const at = new Date(Date.now() - 2 * HOUR);
      const expired = makeRecord<TUserId>({ data: { n: 0 }, expiresAt: new Date(at.getTime() + HOUR) }, at);
      await store.insert(expired);
      expect(await store.updateLocked!(expired.id, increment)).toBe(false);
      expect((await store.load(expired.id))!.record).toEqual(expired);
      expect(await store.updateLocked!(record.id, () => null)).toBe(false);
      expect((await store.load(record.id))!.record.version).toBe(10);
      await Promise.all([store.delete(record.id), store.delete(expired.id)]);
    });

    it("merges keys set, deleted and added into the row as it is, where it merges; 10 parallel increments all land", async () => {
      const record = makeRecord<TUserId>({ data: { n: 1, keep: "x", gone: true, empty: null } });
      await store.insert(record);
      const at = new Date();
      const expiresAt = new Date(at.getTime() + HOUR);
      const merge = (changes: Partial<SessionMerge>): SessionMerge => ({
        set: {},
        deleted: [],
        added: {},
        updatedAt: at,
        lastSeenAt: at,
        expiresAt,
        maxDataBytes: 4096,
        ...changes,
      });
      const first = await store.mergeUpdate?.(record.id, merge({ set: { s: { a: [1, "ü"] } }, deleted: ["gone"], added: { n: 2, empty: 1, fresh: -3 } }));
      if (!fixture.mergesData) {
        expect(first).toBeUndefined();
        expect((await store.load(record.id))!.record).toEqual(record);
        await store.delete(record.id);
        return;
      }
      const merged = { n: 3, keep: "x", empty: 1, fresh: -3, s: { a: [1, "ü"] } };
      expect(first).toEqual({ ...record, data: merged, version: 1, updatedAt: at, lastSeenAt: at, expiresAt });
      expect((await store.load(record.id))!.record).toEqual(first);

      const results = await Promise.all(Array.from({ length: 10 }, () => store.mergeUpdate!(record.id, merge({ added: { n: 1 } }))));
      expect(results.map((row) => row!.data.n).sort((a, b) => Number(a) - Number(b))).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
      expect((await store.load(record.id))!.record).toMatchObject({ data: { ...merged, n: 13 }, version: 11 });

      // Adding to a string, a sum past Number.MAX_SAFE_INTEGER, or growing past maxDataBytes writes nothing.
      expect(await store.mergeUpdate!(record.id, merge({ added: { keep: 1 }, set: { other: 1 } }))).toBeNull();
      expect(await store.mergeUpdate!(record.id, merge({ added: { n: Number.MAX_SAFE_INTEGER } }))).toBeNull();
      expect(await store.mergeUpdate!(record.id, merge({ set: { big: "x".repeat(4096) } }))).toBeNull();
      expect((await store.load(record.id))!.record).toMatchObject({ data: { ...merged, n: 13 }, version: 11 });
      // Any byte limit a manager accepts (up to 2^53), and unusual keys, go through as parameters.
      const odd = `{"__proto__":1,"it's":2,"a.b":3,"$1":4,"{x}":5}`;
      const unusual = await store.mergeUpdate!(record.id, merge({ added: JSON.parse(odd), maxDataBytes: Number.MAX_SAFE_INTEGER }));
      expect(unusual!.data).toEqual(JSON.parse(`${JSON.stringify({ ...merged, n: 13 }).slice(0, -1)},${odd.slice(1)}`));
      expect(Object.keys(unusual!.data)).toContain("__proto__");
      expect(unusual!.version).toBe(12);

      // A missing row is not created; a row whose idle or absolute expiry passed is not revived.
      const missing = sessionIdOf(generateToken());
      expect(await store.mergeUpdate!(missing, merge({ added: { n: 1 } }))).toBeNull();
      expect(await store.load(missing)).toBeNull();
      const past = new Date(Date.now() - 2 * HOUR);
      const idle = makeRecord<TUserId>({ data: { n: 1 }, expiresAt: new Date(past.getTime() + HOUR) }, past);
      const absolute = makeRecord<TUserId>({ data: { n: 1 }, absoluteExpiresAt: new Date(past.getTime() + HOUR) }, past);
      for (const expired of [idle, absolute]) {
        await store.insert(expired);
        expect(await store.mergeUpdate!(expired.id, merge({ added: { n: 1 } }))).toBeNull();
        expect((await store.load(expired.id))!.record).toEqual(expired);
      }
      await Promise.all([record, idle, absolute].map((row) => store.delete(row.id)));
    });

    it("touches metadata without changing data, version or updatedAt", async () => {
      const record = makeRecord<TUserId>({ data: { keep: true }, version: 4 });
      await store.insert(record);
      const touch = { lastSeenAt: new Date(Date.now() + 5), expiresAt: new Date(Date.now() + 2 * HOUR) };
      expect(await store.touch(record.id, touch)).toBe(true);
      const loaded = (await store.load(record.id))!.record;
      expect(loaded).toEqual({ ...record, ...touch });
    });

    it("deletes idempotently", async () => {
      const record = makeRecord<TUserId>();
      await store.insert(record);
      await store.delete(record.id);
      expect(await store.load(record.id)).toBeNull();
      await expect(store.delete(record.id)).resolves.toBeUndefined();
      await expect(store.delete(sessionIdOf("never existed"))).resolves.toBeUndefined();
    });

    it("lists and revokes by user, keeping the excepted session and other users' sessions", async () => {
      const [alice, bob] = [await fixture.createUser(), await fixture.createUser()];
      const base = Date.now() - 10_000;
      const aliceRows = [0, 1, 2].map((i) => makeRecord<TUserId>({ userId: alice }, new Date(base + i * 1000)));
      const bobRow = makeRecord<TUserId>({ userId: bob });
      for (const row of [...aliceRows, bobRow]) await store.insert(row);
      const listed = await store.listByUser(alice);
      expect(listed.map((row) => row.id)).toEqual(aliceRows.map((row) => row.id).reverse());
      expect(await store.deleteByUser(alice, aliceRows[0]!.id)).toBe(2);
      expect((await store.listByUser(alice)).map((row) => row.id)).toEqual([aliceRows[0]!.id]);
      expect(await store.listByUser(bob)).toHaveLength(1);
      expect(await store.deleteByUser(alice)).toBe(1);
      expect(await store.deleteByUser(alice)).toBe(0);
    });

    it("deletes the user's sessions with the user (ON DELETE CASCADE)", async () => {
      const userId = await fixture.createUser();
      const record = makeRecord<TUserId>({ userId });
      await store.insert(record);
      await fixture.deleteUser(userId);
      expect(await store.load(record.id)).toBeNull();
    });

    it("prunes exactly the expired rows, in batches", async () => {
      const now = new Date();
      // Other tests' rows expire an hour from now; these are the only expired ones.
      const expired = Array.from({ length: 7 }, () =>
        makeRecord<TUserId>({ expiresAt: new Date(now.getTime() - 1) }, new Date(now.getTime() - HOUR)),
      );
      const live = makeRecord<TUserId>({ expiresAt: new Date(now.getTime() + 60_000) });
      for (const row of [...expired, live]) await store.insert(row);
      expect(await store.deleteExpired(now, 3)).toBe(3);
      expect(await store.deleteExpired(now, 3)).toBe(3);
      expect(await store.deleteExpired(now, 3)).toBe(1);
      expect(await store.deleteExpired(now, 3)).toBe(0);
      for (const row of expired) expect(await store.load(row.id)).toBeNull();
      expect(await store.load(live.id)).not.toBeNull();
    });

    it("iterates every row in id order, in batches, optionally by user", async () => {
      const userId = await fixture.createUser();
      const mine = Array.from({ length: 5 }, () => makeRecord<TUserId>({ userId }));
      for (const row of mine) await store.insert(row);
      const seen: string[] = [];
      for await (const row of store.iterate({ userId, batchSize: 2 })) seen.push(row.id);
      expect(seen).toEqual(mine.map((row) => row.id).sort());
      let all = 0;
      let previous = "";
      for await (const row of store.iterate({ batchSize: 3 })) {
        expect(row.id > previous).toBe(true);
        previous = row.id;
        all++;
      }
      expect(all).toBeGreaterThanOrEqual(mine.length);
    });

    it("loses no update when 20 parallel saves change distinct keys of one session", async () => {
      // One manager per save, as if from 20 processes: a manager combines its own parallel saves,
      // so only separate managers make the store's version check do the work.
      const secret = randomBytes(32).toString("hex");
      const managers = Array.from({ length: 20 }, () => new SessionManager(store, { secret }));
      const token = await simulateRequest(managers[0]!, null, (session) => session.set("start", true));
      await Promise.all(
        managers.map((manager, i) => simulateRequest(manager, token, (session) => session.set(`key${i}`, i))),
      );
      const session = await managers[0]!.load(token);
      for (let i = 0; i < 20; i++) expect(session.get(`key${i}`)).toBe(i);
      expect(session.get("start")).toBe(true);
    });
  });
}
