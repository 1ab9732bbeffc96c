import {
  MemoryStore,
  SessionManager,
  SessionStoreError,
  type LoadedSession,
  type SessionManagerOptions,
  type TokenAction,
} from "../../src/index.js";
import * as otel from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { FakeClock } from "../support/fake-clock.js";
import { TelemetryRecorder } from "../support/telemetry-recorder.js";

const secret = "doGJkMO_13ultOVnKq2vqA62s-1_-t7xjTm1BVodx00";
const MINUTE = 60_000;
const CLIENT = 2;
const ERROR = 2;

/** A memory store that says which database telemetry should name, and can be made to fail or hang on `load`. */
class DescribedStore extends MemoryStore<number> {
  readonly database = { system: "postgresql", namespace: "app", collection: "public.Session" };
  loadFailure: Error | "hang" | null = null;

  override async load(id: string, options?: { withUser?: boolean }): Promise<LoadedSession<number> | null> {
    if (this.loadFailure === "hang") return new Promise(() => {});
    if (this.loadFailure) throw this.loadFailure;
    return super.load(id, options);
  }
}

const DB = { "db.system.name": "postgresql", "db.namespace": "app", "db.collection.name": "public.Session" };

function setup(options: Partial<SessionManagerOptions> = {}) {
  const recorder = new TelemetryRecorder();
  const clock = new FakeClock();
  const store = new DescribedStore([[1, { id: 1 }]]);
  const manager = (extra: Partial<SessionManagerOptions> = {}) =>
    new SessionManager<Record<string, unknown>, unknown, number>(store, {
      secret,
      idleTimeout: "30m",
      clock,
      telemetry: { tracer: recorder.tracer, meter: recorder.meter },
      ...options,
      ...extra,
    });
  return { recorder, clock, store, manager: manager(), manager2: manager() };
}

/** The token a commit handed the client. */
function tokenOf(action: TokenAction): string {
  if (action.type !== "set") throw new Error(`expected a token to set, got ${action.type}`);
  return action.token;
}

/** A span of a store call that succeeded. */
function span(operation: string, attributes: Record<string, unknown>) {
  return {
    name: `${operation} public.Session`,
    kind: CLIENT,
    attributes: { ...DB, "db.operation.name": operation, ...attributes },
    status: { code: 0 },
    events: [],
  };
}

/** The duration histogram's point for an operation: only its count is exact (durations vary). */
function durations(operation: string, count: number, errorType?: string) {
  return {
    attributes: { ...DB, "db.operation.name": operation, ...(errorType === undefined ? {} : { "error.type": errorType }) },
    count,
    sum: expect.any(Number),
    boundaries: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10],
    counts: expect.any(Array),
  };
}

/** The save-attempts histogram's point, given how many commits took 1, 2, 3... attempts. */
function attempts(counts: number[]) {
  const all = [...counts, ...Array<number>(8 - counts.length).fill(0)];
  return {
    attributes: {},
    count: counts.reduce((a, b) => a + b, 0),
    sum: counts.reduce((total, n, index) => total + n * (index + 1), 0),
    boundaries: [1, 2, 3, 4, 8, 16, 32],
    counts: all,
  };
}

const one = (value: number, attributes: Record<string, unknown> = {}) => [{ attributes, value }];

describe("OpenTelemetry", () => {
  let recorder: TelemetryRecorder;
  afterEach(async () => recorder?.shutdown());

  it("a login and a logout: a span per store call, with the session's id hash and never its token; created, login, logout, attempts", async () => {
    const setupResult = setup();
    const { manager } = setupResult;
    recorder = setupResult.recorder;

    const anonymous = manager.create();
    anonymous.set("cart", ["tea"]);
    const anonymousToken = tokenOf(await manager.commit(anonymous));
    const anonymousId = anonymous.id;

    const login = await manager.load(anonymousToken);
    await login.setUser(1);
    const userToken = tokenOf(await manager.commit(login));
    const userId = login.id;

    const logout = await manager.load(userToken);
    logout.clearUser();
    await manager.commit(logout);
    const loggedOutId = logout.id;

    expect(new Set([anonymousId, userId]).size).toBe(2);
    expect(recorder.spans()).toEqual([
      span("insert", { "sessionrow.session.id": anonymousId }),
      span("load", { "sessionrow.session.id": anonymousId, "sessionrow.store.row_found": true }),
      span("update", { "sessionrow.session.id": anonymousId, "sessionrow.store.row_found": true }),
      span("load", { "sessionrow.session.id": userId, "sessionrow.store.row_found": true }),
      span("update", { "sessionrow.session.id": userId, "sessionrow.store.row_found": true }),
    ]);
    const recorded = JSON.stringify(recorder.spans());
    for (const token of [anonymousToken, userToken]) expect(recorded).not.toContain(token.split(".")[0]);
    expect(await recorder.metrics()).toEqual({
      "sessionrow.session.created": one(1),
      "sessionrow.login": one(1),
      "sessionrow.logout": one(1),
      "sessionrow.session.save.attempts": [attempts([3])],
      "sessionrow.store.operation.duration": [durations("insert", 1), durations("load", 2), durations("update", 2)],
    });
    expect(loggedOutId).not.toBe(userId);
  });

  it("conflicts: merged after a second attempt, gone when the row was deleted, error under conflict: \"error\"", async () => {
    const setupResult = setup();
    const { manager, manager2, store } = setupResult;
    recorder = setupResult.recorder;
    const strict = new SessionManager<Record<string, unknown>, unknown, number>(store, {
      secret,
      idleTimeout: "30m",
      clock: setupResult.clock,
      conflict: "error",
      telemetry: { tracer: recorder.tracer, meter: recorder.meter },
    });
    const created = manager.create();
    created.set("views", 0);
    const token = tokenOf(await manager.commit(created));
    const id = created.id;

    // Two processes (two managers) load the same version; the second one's write misses, and its
    // changes are merged into the row as it is (one merged update).
    const [first, second, third] = [await manager.load(token), await manager2.load(token), await strict.load(token)];
    first.set("x", 1);
    second.set("y", 2);
    third.set("z", 3);
    await manager.commit(first);
    await manager2.commit(second);
    await expect(strict.commit(third)).rejects.toMatchObject({ code: "SESSION_CONFLICT" });
    expect((await manager.load(token)).get("y")).toBe(2);

    const late = await manager2.load(token);
    await manager.destroy(id);
    late.set("x", 9);
    await manager2.commit(late);

    const found = { "sessionrow.session.id": id, "sessionrow.store.row_found": true };
    const missed = { "sessionrow.session.id": id, "sessionrow.store.row_found": false };
    expect(recorder.spans()).toEqual([
      span("insert", { "sessionrow.session.id": id }),
      span("load", found),
      span("load", found),
      span("load", found),
      span("update", found),
      span("update", missed),
      span("merged_update", found),
      span("update", missed),
      span("load", found),
      span("load", found),
      span("load", found),
      span("delete", { "sessionrow.session.id": id }),
      span("update", missed),
      span("merged_update", missed),
      span("load", { "sessionrow.session.id": id, "sessionrow.store.row_found": false }),
    ]);
    expect(await recorder.metrics()).toEqual({
      "sessionrow.session.created": one(1),
      "sessionrow.session.destroyed": one(1),
      "sessionrow.session.conflict": [
        { attributes: { "sessionrow.conflict.resolution": "merged" }, value: 1 },
        { attributes: { "sessionrow.conflict.resolution": "error" }, value: 1 },
        { attributes: { "sessionrow.conflict.resolution": "gone" }, value: 1 },
      ],
      "sessionrow.session.save.attempts": [attempts([2, 1])],
      "sessionrow.store.operation.duration": [
        durations("insert", 1),
        durations("load", 7),
        durations("update", 4),
        durations("merged_update", 2),
        durations("delete", 1),
      ],
    });
  });

  it("an outage: a refused connection and a store that does not answer within storeTimeout are failed spans and store errors by type", async () => {
    const setupResult = setup({ storeTimeout: 50 });
    const { manager, store } = setupResult;
    recorder = setupResult.recorder;
    const session = manager.create();
    session.set("views", 1);
    const token = tokenOf(await manager.commit(session));

    store.loadFailure = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    await expect(manager.load(token)).rejects.toBeInstanceOf(SessionStoreError);
    store.loadFailure = "hang";
    await expect(manager.load(token)).rejects.toThrow("Session store failed: no answer within storeTimeout (50 ms)");

    const failed = (errorType: string, message: string) => ({
      ...span("load", { "sessionrow.session.id": session.id, "error.type": errorType }),
      status: { code: ERROR, message },
      events: ["exception"],
    });
    expect(recorder.spans()).toEqual([
      span("insert", { "sessionrow.session.id": session.id }),
      failed("ECONNREFUSED", "Session store failed: connect ECONNREFUSED 127.0.0.1:5432"),
      failed("timeout", "Session store failed: no answer within storeTimeout (50 ms)"),
    ]);
    expect(await recorder.metrics()).toEqual({
      "sessionrow.session.created": one(1),
      "sessionrow.session.save.attempts": [attempts([1])],
      "sessionrow.store.operation.duration": [durations("insert", 1), durations("load", 1, "ECONNREFUSED"), durations("load", 1, "timeout")],
      "sessionrow.store.errors": [
        { attributes: { ...DB, "db.operation.name": "load", "error.type": "ECONNREFUSED" }, value: 1 },
        { attributes: { ...DB, "db.operation.name": "load", "error.type": "timeout" }, value: 1 },
      ],
    });
    const timeouts = ((await recorder.metrics())["sessionrow.store.operation.duration"]![2] as { sum: number }).sum;
    // Timers start from the event loop's cached time, so a 50 ms timeout may measure a little less.
    expect(timeouts).toBeGreaterThanOrEqual(0.045);
  });

  it("a prune: one span per batch with its size and deleted rows; an expired session found on load is deleted and counted", async () => {
    const setupResult = setup();
    const { manager, clock } = setupResult;
    recorder = setupResult.recorder;
    const tokens: string[] = [];
    for (let index = 0; index < 4; index++) {
      const session = manager.create();
      session.set("index", index);
      tokens.push(tokenOf(await manager.commit(session)));
    }
    clock.advance(31 * MINUTE);
    const expired = await manager.load(tokens[0]);
    expect(expired.get("index")).toBeUndefined();
    const loadedSpans = recorder.spans().slice(4);
    expect(await manager.prune({ batchSize: 2 })).toBe(3);

    const batch = (deleted: number) => ({ "sessionrow.prune.batch_size": 2, "sessionrow.prune.deleted": deleted });
    const expiredId = loadedSpans[0]!.attributes["sessionrow.session.id"];
    expect(recorder.spans().slice(4)).toEqual([
      span("load", { "sessionrow.session.id": expiredId, "sessionrow.store.row_found": true }),
      span("delete", { "sessionrow.session.id": expiredId }),
      span("prune", batch(2)),
      span("prune", batch(1)),
      span("prune", batch(0)),
    ]);
    expect(await recorder.metrics()).toEqual({
      "sessionrow.session.created": one(4),
      "sessionrow.session.expired": one(1),
      "sessionrow.session.pruned": one(3),
      "sessionrow.session.save.attempts": [attempts([4])],
      "sessionrow.store.operation.duration": [durations("insert", 4), durations("load", 1), durations("delete", 1), durations("prune", 3)],
    });
  });

  it("a visit after touchAfter, user() and the admin verbs: touch, load_user, list_by_user and delete_by_user spans; revoked counts rows", async () => {
    const setupResult = setup({ touchAfter: "1m" });
    const { manager, clock } = setupResult;
    recorder = setupResult.recorder;
    const session = manager.create();
    await session.setUser(1);
    const token = tokenOf(await manager.commit(session));
    clock.advance(2 * 60_000);
    const visit = await manager.load(token);
    expect(await visit.user()).toEqual({ id: 1 });
    await manager.commit(visit);
    expect((await manager.listForUser(1)).map((record) => record.id)).toEqual([session.id]);
    expect(await manager.revokeForUser(1)).toBe(1);

    expect(recorder.spans()).toEqual([
      span("insert", { "sessionrow.session.id": session.id }),
      span("load", { "sessionrow.session.id": session.id, "sessionrow.store.row_found": true }),
      span("load_user", {}),
      span("touch", { "sessionrow.session.id": session.id, "sessionrow.store.row_found": true }),
      span("list_by_user", {}),
      span("delete_by_user", {}),
    ]);
    expect(await recorder.metrics()).toEqual({
      "sessionrow.session.created": one(1),
      "sessionrow.login": one(1),
      "sessionrow.session.revoked": one(1),
      "sessionrow.session.save.attempts": [attempts([1])],
      "sessionrow.store.operation.duration": [
        durations("insert", 1),
        durations("load", 1),
        durations("load_user", 1),
        durations("touch", 1),
        durations("list_by_user", 1),
        durations("delete_by_user", 1),
      ],
    });
  });

  it("given the @opentelemetry/api module: records nothing until an SDK is registered, then nests store spans in the request's span", async () => {
    recorder = new TelemetryRecorder();
    const contextManager = new AsyncLocalStorageContextManager().enable();
    otel.context.setGlobalContextManager(contextManager);
    try {
      const store = new DescribedStore();
      const manager = new SessionManager(store, { secret, telemetry: otel });
      const before = manager.create();
      before.set("views", 1);
      await manager.commit(before);
      expect(recorder.spans()).toEqual([]);

      recorder.registerGlobally();
      const request = otel.trace.getTracer("app").startSpan("GET /");
      const session = await otel.context.with(otel.trace.setSpan(otel.context.active(), request), async () => {
        const created = manager.create();
        created.set("views", 1);
        await manager.commit(created);
        return created;
      });
      request.end();
      expect(recorder.spans()).toEqual([
        { ...span("insert", { "sessionrow.session.id": session.id }), parentSpanId: request.spanContext().spanId },
        { name: "GET /", kind: 0, attributes: {}, status: { code: 0 }, events: [] },
      ]);
      expect((await recorder.metrics())["sessionrow.session.created"]).toEqual(one(1));
    } finally {
      otel.context.disable();
      contextManager.disable();
    }
  });

  it("a tracer and a meter that throw fail nothing: the session is saved and loaded, one warning is emitted", async () => {
    const store = new DescribedStore([[1, { id: 1 }]]);
    const broken = () => {
      throw new Error("exporter exploded");
    };
    const instrument = { add: broken, record: broken };
    const manager = new SessionManager<Record<string, unknown>, unknown, number>(store, {
      secret,
      telemetry: {
        tracer: { startSpan: broken } as never,
        meter: { createCounter: () => instrument, createHistogram: () => instrument } as never,
      },
    });
    const emitWarning = jest.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    try {
      const session = await manager.load(undefined);
      await session.setUser(1);
      session.set("cart", ["book"]);
      const token = tokenOf(await manager.commit(session));
      const again = await manager.load(token);
      expect([again.get("cart"), again.userId]).toEqual([["book"], 1]);
      expect(emitWarning).toHaveBeenCalledTimes(1);
      expect(String(emitWarning.mock.calls[0]![0])).toContain("sessionrow telemetry failed (the session work went on): exporter exploded");
    } finally {
      emitWarning.mockRestore();
    }
  });

  it("waits for a store still finding out its database within the store call, so the first span names it", async () => {
    const recorder = new TelemetryRecorder();
    let answer!: () => void;
    class SlowToDescribe extends MemoryStore<number> {
      database: { system: string; collection: string } | undefined;
      describeDatabase() {
        return new Promise<{ system: string; collection: string }>((resolve) => {
          answer = () => resolve((this.database = { system: "postgresql", collection: "Session" }));
        });
      }
    }
    const manager = new SessionManager<Record<string, unknown>, unknown, number>(new SlowToDescribe(), {
      secret,
      storeTimeout: "1s",
      telemetry: { tracer: recorder.tracer, meter: recorder.meter },
    });
    const session = await manager.load(undefined);
    session.set("a", 1);
    const committed = manager.commit(session);
    answer();
    await committed;
    expect(recorder.spans().map((span) => [span.name, span.attributes["db.system.name"]])).toEqual([["insert Session", "postgresql"]]);
  });
});
