import type { SessionEventDispatcher } from "../session-event-dispatcher.js";
import type { StoreDatabase, UserId } from "../session-store.js";
import { StoreTimeoutError } from "../store-call.js";
import type { StoreOperation } from "./store-operation.js";
import { ATTEMPT_BUCKETS, ATTRIBUTES, DURATION_BUCKETS, METRICS } from "./telemetry-names.js";
import type {
  OpenTelemetryApi,
  TelemetryAttributes,
  TelemetryCounter,
  TelemetryHistogram,
  TelemetryMeter,
  TelemetryOptions,
  TelemetrySpan,
  TelemetryTracer,
} from "./telemetry-options.js";

const SCOPE = "sessionrow";
/** `SpanKind.CLIENT` and `SpanStatusCode.ERROR` of `@opentelemetry/api`, which is not imported. */
const SPAN_KIND_CLIENT = 2;
const SPAN_STATUS_ERROR = 2;

interface Instruments {
  created: TelemetryCounter;
  destroyed: TelemetryCounter;
  expired: TelemetryCounter;
  revoked: TelemetryCounter;
  pruned: TelemetryCounter;
  logins: TelemetryCounter;
  logouts: TelemetryCounter;
  conflicts: TelemetryCounter;
  saveAttempts: TelemetryHistogram;
  storeDuration: TelemetryHistogram;
  storeErrors: TelemetryCounter;
}

/**
 * Spans around store calls and the metrics of a manager, sent to the OpenTelemetry tracer and meter
 * the app gave. The core creates one only when the `telemetry` option is set.
 */
export class SessionTelemetry {
  readonly #tracer: TelemetryTracer | undefined;
  readonly #api: OpenTelemetryApi | undefined;
  #meterProvider: unknown;
  #instruments: Instruments | undefined;
  readonly #database: () => StoreDatabase | undefined;
  /** Until the store has told which database it is (a query): store calls wait for it within their timeout. */
  #described: Promise<unknown> | undefined;
  /** The metric attributes of each operation, for {@link #attributesDatabase}. */
  readonly #attributes = new Map<StoreOperation["name"], TelemetryAttributes>();
  #attributesDatabase: StoreDatabase | undefined;
  #failureReported = false;

  /**
   * @param database which database the store writes to (read at each call: a TypeORM store knows its table once initialized).
   * @param described settles once the store has found out `database`, when that takes a query.
   */
  constructor(options: TelemetryOptions, database: () => StoreDatabase | undefined, described?: Promise<unknown>) {
    if ("trace" in options) {
      this.#api = options;
      this.#tracer = options.trace.getTracer(SCOPE);
    } else {
      this.#tracer = options.tracer;
      this.#instruments = options.meter && createInstruments(options.meter);
    }
    this.#database = database;
    this.#described = described?.then(
      () => (this.#described = undefined),
      () => (this.#described = undefined),
    );
  }

  /**
   * The store call to run under the call's timeout: while the store is still finding out which
   * database it is, it waits for that first (it is a query of the same database), so that even the
   * first spans and metric points carry the database's attributes.
   */
  timed<T>(run: () => Promise<T>): () => Promise<T> {
    const described = this.#described;
    return described === undefined ? run : () => described.then(run);
  }

  /** Counts what the events report: sessions created, destroyed, expired, revoked; logins, logouts, conflicts. */
  observe<TUserId extends UserId>(events: SessionEventDispatcher<TUserId>): void {
    if (!this.#api && !this.#instruments) return;
    const count = (pick: (instruments: Instruments) => TelemetryCounter, value = 1, attributes?: TelemetryAttributes) =>
      this.#safely(() => {
        const instruments = this.#metrics();
        if (instruments) pick(instruments).add(value, attributes);
      });
    events.on("created", () => count((m) => m.created));
    events.on("destroyed", () => count((m) => m.destroyed));
    events.on("expired", () => count((m) => m.expired));
    events.on("revoked", ({ count: rows }) => count((m) => m.revoked, rows));
    events.on("login", () => count((m) => m.logins));
    events.on("logout", () => count((m) => m.logouts));
    events.on("conflict", ({ resolution }) => count((m) => m.conflicts, 1, { [ATTRIBUTES.conflictResolution]: resolution }));
  }

  /** Records how many version-checked writes a commit's save took (1: no parallel save got in the way). */
  saved(attempts: number): void {
    this.#safely(() => this.#metrics()?.saveAttempts.record(attempts));
  }

  /**
   * Runs a store call inside a span, and records its duration, its error and what it found. A failing
   * tracer or meter never fails the call nor changes its result: it is reported once, as a warning.
   */
  async trace<T>(operation: StoreOperation, run: () => Promise<T>): Promise<T> {
    const known = this.#database();
    const span = this.#safely(() =>
      this.#tracer?.startSpan(`${operation.name} ${known?.collection ?? SCOPE}`, { kind: SPAN_KIND_CLIENT, attributes: spanAttributes(known, operation) }),
    );
    const started = performance.now();
    let result: T;
    try {
      result = await run();
    } catch (error) {
      this.#safely(() => this.#recordFailure(span, known, operation, started, error));
      throw error;
    }
    this.#safely(() => this.#recordSuccess(span, known, operation, started, result));
    return result;
  }

  #recordSuccess(span: TelemetrySpan | undefined, known: StoreDatabase | undefined, operation: StoreOperation, started: number, result: unknown): void {
    const database = this.#database();
    const instruments = this.#metrics();
    instruments?.storeDuration.record(seconds(started), this.#metricAttributes(database, operation));
    if (operation.name === "prune") instruments?.pruned.add(result as number);
    if (span === undefined) return;
    if (span.isRecording()) {
      if (known === undefined && database !== undefined) nameDatabase(span, database, operation);
      setResultAttributes(span, operation, result);
    }
    span.end();
  }

  #recordFailure(span: TelemetrySpan | undefined, known: StoreDatabase | undefined, operation: StoreOperation, started: number, error: unknown): void {
    const database = this.#database();
    const type = errorType(error);
    const instruments = this.#metrics();
    if (instruments) {
      const failure = databaseAttributes(database, operation);
      failure[ATTRIBUTES.errorType] = type;
      instruments.storeDuration.record(seconds(started), failure);
      instruments.storeErrors.add(1, failure);
    }
    if (span === undefined) return;
    if (span.isRecording()) {
      if (known === undefined && database !== undefined) nameDatabase(span, database, operation);
      span.setAttribute(ATTRIBUTES.errorType, type);
      if (error instanceof Error) span.recordException(error);
      span.setStatus({ code: SPAN_STATUS_ERROR, message: error instanceof Error ? error.message : String(error) });
    }
    span.end();
  }

  /** Runs telemetry work; an error of the app's tracer or meter is reported once, never thrown. */
  #safely<R>(work: () => R): R | undefined {
    try {
      return work();
    } catch (error) {
      if (!this.#failureReported) {
        this.#failureReported = true;
        const reason = error instanceof Error ? error.message : String(error);
        process.emitWarning(`sessionrow telemetry failed (the session work went on): ${reason}`, { code: "SESSIONROW_TELEMETRY_FAILED" });
      }
      return undefined;
    }
  }

  /** The attributes of a successful call's duration: one object per operation, made once per database. */
  #metricAttributes(database: StoreDatabase | undefined, operation: StoreOperation): TelemetryAttributes {
    if (database !== this.#attributesDatabase) {
      this.#attributesDatabase = database;
      this.#attributes.clear();
    }
    let attributes = this.#attributes.get(operation.name);
    if (!attributes) this.#attributes.set(operation.name, (attributes = databaseAttributes(database, operation)));
    return attributes;
  }

  /**
   * The instruments to record with. Given the API module, they come from the global MeterProvider
   * as it is now: unlike its tracer, the API's meter is no proxy, so a meter taken before the app
   * started the OpenTelemetry SDK would stay a no-op.
   */
  #metrics(): Instruments | undefined {
    if (this.#api) {
      const provider = this.#api.metrics.getMeterProvider();
      if (provider !== this.#meterProvider) {
        this.#meterProvider = provider;
        this.#instruments = createInstruments(provider.getMeter(SCOPE));
      }
    }
    return this.#instruments;
  }
}

function createInstruments(meter: TelemetryMeter): Instruments {
  const sessions = (name: string, description: string) => meter.createCounter(name, { description, unit: "{session}" });
  return {
    created: sessions(METRICS.created, "Sessions stored for the first time"),
    destroyed: sessions(METRICS.destroyed, "Sessions destroyed (logout with destroy(), or by id)"),
    expired: sessions(METRICS.expired, "Sessions found expired when loaded, and deleted"),
    revoked: sessions(METRICS.revoked, "Sessions deleted by revokeForUser"),
    pruned: sessions(METRICS.pruned, "Expired sessions deleted by prune()"),
    logins: meter.createCounter(METRICS.logins, { description: "Logins (setUser) saved", unit: "{login}" }),
    logouts: meter.createCounter(METRICS.logouts, { description: "Logouts (clearUser) saved", unit: "{logout}" }),
    conflicts: meter.createCounter(METRICS.conflicts, {
      description: "Saves that met a parallel save of the same session, by resolution",
      unit: "{conflict}",
    }),
    saveAttempts: meter.createHistogram(METRICS.saveAttempts, {
      description: "Version-checked writes per commit that saved a session's content",
      unit: "{attempt}",
      advice: { explicitBucketBoundaries: ATTEMPT_BUCKETS },
    }),
    storeDuration: meter.createHistogram(METRICS.storeDuration, {
      description: "Duration of session store calls",
      unit: "s",
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    }),
    storeErrors: meter.createCounter(METRICS.storeErrors, { description: "Failed session store calls, by error type", unit: "{error}" }),
  };
}

// Attributes are assigned key by key, not spread: spreading objects with dotted keys cost
// microseconds per store call (bench/telemetry-overhead.ts).
function databaseAttributes(database: StoreDatabase | undefined, operation: StoreOperation): TelemetryAttributes {
  const attributes: TelemetryAttributes = {};
  if (database) {
    attributes[ATTRIBUTES.dbSystem] = database.system;
    if (database.namespace !== undefined) attributes[ATTRIBUTES.dbNamespace] = database.namespace;
    attributes[ATTRIBUTES.dbCollection] = database.collection;
  }
  attributes[ATTRIBUTES.dbOperation] = operation.name;
  return attributes;
}

function spanAttributes(database: StoreDatabase | undefined, operation: StoreOperation): TelemetryAttributes {
  const attributes = databaseAttributes(database, operation);
  if (operation.sessionId !== undefined) attributes[ATTRIBUTES.sessionId] = operation.sessionId;
  if (operation.batchSize !== undefined) attributes[ATTRIBUTES.pruneBatchSize] = operation.batchSize;
  return attributes;
}

/** Names a span started before the store knew its database, once it does. */
function nameDatabase(span: TelemetrySpan, database: StoreDatabase, operation: StoreOperation): void {
  span.updateName(`${operation.name} ${database.collection}`);
  const attributes = databaseAttributes(database, operation);
  for (const key of Object.keys(attributes)) span.setAttribute(key, attributes[key]!);
}

/** What a call found: whether its row existed (load, update, touch), how many rows a prune batch deleted. */
function setResultAttributes(span: TelemetrySpan, operation: StoreOperation, result: unknown): void {
  switch (operation.name) {
    case "load":
    case "merged_update":
      span.setAttribute(ATTRIBUTES.rowFound, result !== null && result !== undefined);
      break;
    case "update":
    case "locked_update":
    case "touch":
      span.setAttribute(ATTRIBUTES.rowFound, result === true);
      break;
    case "prune":
      span.setAttribute(ATTRIBUTES.pruneDeleted, result as number);
      break;
  }
}

/**
 * `error.type`: `timeout` when the store did not answer within `storeTimeout`, else the code of the
 * underlying driver or database error (`ECONNREFUSED`, `57P01`, `P1001`, ...), else its class name.
 */
function errorType(error: unknown): string {
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  if (cause instanceof StoreTimeoutError) return "timeout";
  const code = (cause as { code?: unknown } | null)?.code;
  if (typeof code === "string" && code !== "") return code;
  return cause instanceof Error ? cause.constructor.name : "_OTHER";
}

function seconds(started: number): number {
  return (performance.now() - started) / 1000;
}
