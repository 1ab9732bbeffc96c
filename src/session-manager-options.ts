import { toMilliseconds, type Duration } from "./duration.js";
import { SessionConfigError } from "./errors.js";
import { SECRET_ADVICE, weakSecretReason } from "./secret-strength.js";
import type { TelemetryOptions } from "./telemetry/telemetry-options.js";

/** Something that tells the time; inject one in tests. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** Options of a {@link SessionManager}. */
export interface SessionManagerOptions {
  /**
   * Secret for signing tokens (HMAC-SHA256): at least 32 random characters (a repeated phrase or a
   * low-entropy string is refused). Use `secrets` to rotate.
   * @example process.env.SESSION_SECRET
   */
  secret?: string;
  /**
   * Secrets for rotation: the first signs new tokens, all of them verify. Put a new secret first,
   * keep the old one until the sessions signed with it have expired.
   */
  secrets?: readonly string[];
  /**
   * Sliding expiry: a session unused for this long expires.
   * @default "30m"
   */
  idleTimeout?: Duration;
  /**
   * Hard expiry, counted from creation and never extended.
   * @default "7d"
   */
  absoluteTimeout?: Duration;
  /**
   * A session records the visit (last seen, idle expiry) at most this often: a request that changes
   * nothing touches the row only then, and a save in between keeps the recorded visit. `0` records
   * every visit. Must be shorter than `idleTimeout`.
   * @default the smaller of one minute and a quarter of `idleTimeout`
   */
  touchAfter?: Duration;
  /**
   * What to do when a parallel request saved the session first. `"merge"` re-reads the row and
   * re-applies only the keys this request changed (and re-runs `update()` updaters); `"error"` throws
   * {@link ConflictError}.
   * @default "merge"
   */
  conflict?: "merge" | "error";
  /**
   * How many times a conflicting save is retried under `"merge"` before {@link ConflictError}.
   * @default 32
   */
  maxSaveAttempts?: number;
  /**
   * Largest serialized session data, in bytes.
   * @default 65536
   */
  maxDataBytes?: number;
  /**
   * Load the user row together with the session (one JOINed query where the ORM can), so that
   * `session.user()` costs no extra query. Worth it when most requests call `user()`.
   * @default false
   */
  preloadUser?: boolean;
  /**
   * Record the client's IP address and User-Agent when a session is created (shown in
   * "your sessions" lists).
   * @default true
   */
  recordClientInfo?: boolean;
  /**
   * Rows deleted per statement by {@link SessionManager.prune}.
   * @default 1000
   */
  pruneBatchSize?: number;
  /**
   * How long {@link SessionManager.prune} rests after each batch, as a multiple of the time that
   * batch took: 1 leaves the database half of the prune's time for requests (in `npm run bench`, a
   * prune of a million rows then raised request p99 1.3-1.4x instead of 1.6-1.7x, and took about
   * 2.8x as long); 0 runs the batches back to back.
   * @default 1
   */
  prunePauseRatio?: number;
  /**
   * Longest wait for one store call. A database that hangs (network cut, lock wait) then fails the
   * request with `SessionStoreError` instead of holding it open. The call itself is not cancelled.
   * @default "10s"
   */
  storeTimeout?: Duration;
  /** Clock used for every expiry decision. @default Date.now */
  clock?: Clock;
  /**
   * OpenTelemetry spans around every store call and session metrics (see the README's
   * "Observability"): pass the `@opentelemetry/api` module, or a tracer and/or meter. sessionrow
   * never imports OpenTelemetry itself.
   * @default undefined (no telemetry, no cost)
   * @example
   * ```ts
   * import * as otel from "@opentelemetry/api";
   * SessionManager.fromPrisma(prisma, { secret, telemetry: otel });
   * ```
   */
  telemetry?: TelemetryOptions;
}

/**
 * Options with defaults applied and durations in milliseconds (see {@link SessionManagerOptions}).
 * The secrets are not here: a manager that gets logged or inspected does not give them away.
 */
export interface ResolvedOptions {
  /** Sliding expiry, ms. */
  idleTimeout: number;
  /** Hard expiry from creation, ms. */
  absoluteTimeout: number;
  /** Least time between two metadata touches of an unchanged session, ms. */
  touchAfter: number;
  /** What a conflicting save does. */
  conflict: "merge" | "error";
  /** Save attempts under `"merge"` before `ConflictError`. */
  maxSaveAttempts: number;
  /** Largest serialized session data, bytes. */
  maxDataBytes: number;
  /** Whether the user row is loaded with the session. */
  preloadUser: boolean;
  /** Whether IP address and User-Agent are recorded at creation. */
  recordClientInfo: boolean;
  /** Rows deleted per batch by `prune()`. */
  pruneBatchSize: number;
  /** `prune()`'s rest after each batch, as a multiple of the batch's time. */
  prunePauseRatio: number;
  /** Longest wait for one store call, ms. */
  storeTimeout: number;
  /** The clock used for expiry. */
  clock: Clock;
}

/**
 * Applies defaults and validates options.
 * @throws SessionConfigError naming the bad option.
 */
export function resolveOptions(options: SessionManagerOptions): ResolvedOptions & { secrets: readonly string[] } {
  const secrets = options.secrets ?? (options.secret === undefined ? [] : [options.secret]);
  if (options.secret !== undefined && options.secrets !== undefined) {
    throw new SessionConfigError("Pass either secret or secrets, not both");
  }
  if (secrets.length === 0) {
    throw new SessionConfigError("A secret is required to sign session tokens (options.secret, e.g. process.env.SESSION_SECRET)");
  }
  secrets.forEach((secret, index) => {
    const reason = weakSecretReason(secret);
    const name = options.secrets === undefined ? "secret" : `secrets[${index}]`;
    if (reason !== null) throw new SessionConfigError(`The ${name} is too weak to sign session tokens: ${reason}; ${SECRET_ADVICE}`);
  });
  const idleTimeout = toMilliseconds(options.idleTimeout ?? "30m", "idleTimeout");
  const absoluteTimeout = toMilliseconds(options.absoluteTimeout ?? "7d", "absoluteTimeout");
  if (absoluteTimeout < idleTimeout) {
    throw new SessionConfigError("absoluteTimeout must not be shorter than idleTimeout");
  }
  const touchAfter =
    options.touchAfter === undefined
      ? Math.min(60_000, idleTimeout / 4)
      : options.touchAfter === 0
        ? 0
        : toMilliseconds(options.touchAfter, "touchAfter");
  if (touchAfter >= idleTimeout) throw new SessionConfigError("touchAfter must be shorter than idleTimeout");
  const conflict = options.conflict ?? "merge";
  if (conflict !== "merge" && conflict !== "error") {
    throw new SessionConfigError(`conflict must be "merge" or "error" (got ${JSON.stringify(conflict)})`);
  }
  return {
    secrets,
    idleTimeout,
    absoluteTimeout,
    touchAfter,
    conflict,
    maxSaveAttempts: positiveInteger(options.maxSaveAttempts ?? 32, "maxSaveAttempts"),
    maxDataBytes: positiveInteger(options.maxDataBytes ?? 65_536, "maxDataBytes"),
    preloadUser: options.preloadUser ?? false,
    recordClientInfo: options.recordClientInfo ?? true,
    pruneBatchSize: positiveInteger(options.pruneBatchSize ?? 1000, "pruneBatchSize"),
    prunePauseRatio: checkedPauseRatio(options.prunePauseRatio ?? 1),
    storeTimeout: timerDuration(options.storeTimeout ?? "10s", "storeTimeout"),
    clock: options.clock ?? { now: Date.now },
  };
}

/** Longest delay `setTimeout` takes (about 24.8 days); a longer one would fire at once. */
const MAX_TIMER_DELAY = 2 ** 31 - 1;

function timerDuration(value: Duration, name: string): number {
  const milliseconds = toMilliseconds(value, name);
  if (milliseconds > MAX_TIMER_DELAY) throw new SessionConfigError(`${name} must be at most ${MAX_TIMER_DELAY} ms (about 24 days)`);
  return milliseconds;
}

/**
 * A prune's pause ratio, checked: a number from 0 to 100.
 * @throws SessionConfigError naming `name` otherwise.
 */
export function checkedPauseRatio(value: number, name = "prunePauseRatio"): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 100) {
    throw new SessionConfigError(`${name} must be a number from 0 to 100 (got ${JSON.stringify(value)})`);
  }
  return value;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new SessionConfigError(`${name} must be a positive integer (got ${JSON.stringify(value)})`);
  }
  return value;
}
