/**
 * Base class of every error sessionrow throws. `code` is a stable literal you can switch on;
 * `status` is the HTTP status the Express middleware answers with.
 */
export class SessionError extends Error {
  /** Stable machine-readable error code. */
  readonly code: string = "SESSION_ERROR";
  /** HTTP status code the middleware uses when this error reaches Express. */
  readonly status: number = 500;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Thrown when a session was changed by a parallel request and the change could not be merged. */
export class ConflictError extends SessionError {
  override readonly code = "SESSION_CONFLICT";
  override readonly status = 409;
}

/** Why a {@link SessionDataError} was thrown; each reason has its own HTTP status. */
export type SessionDataErrorReason =
  /** A value JSON cannot represent, a reserved or malformed key, a malformed user id: a bug in the app (500). */
  | "invalid-value"
  /** Data over `maxDataBytes`: the request made the session too large (413). */
  | "too-large"
  /** A user id that is no row of the user table (the database's foreign key refused it), e.g. a user deleted during login (409). */
  | "unknown-user";

const DATA_ERROR_STATUS: Record<SessionDataErrorReason, number> = {
  "invalid-value": 500,
  "too-large": 413,
  "unknown-user": 409,
};

/**
 * Thrown when session data cannot be stored unchanged: a value JSON cannot represent
 * (BigInt, function, symbol, circular, NaN, Infinity, Date, Map, ...), data over `maxDataBytes`, or a
 * user id that is no row of the user table (the database's foreign key refused it; `key` is then
 * undefined). Nothing is stored when it is thrown. `status` follows `reason`: 500 for an invalid value,
 * 413 for data over `maxDataBytes`, 409 for an unknown user.
 */
export class SessionDataError extends SessionError {
  override readonly code = "SESSION_DATA_INVALID";
  override readonly status: number;
  /** Why the data was refused. */
  readonly reason: SessionDataErrorReason;
  /** The top-level session key whose value was rejected, when one is to blame. */
  readonly key: string | undefined;

  constructor(message: string, options?: { cause?: unknown; key?: string; reason?: SessionDataErrorReason }) {
    super(message, options);
    this.key = options?.key;
    this.reason = options?.reason ?? "invalid-value";
    this.status = DATA_ERROR_STATUS[this.reason];
  }
}

/** Thrown when the session store (the database) fails or cannot be reached. The original error is `cause`. */
export class SessionStoreError extends SessionError {
  override readonly code = "SESSION_STORE_UNAVAILABLE";
  override readonly status = 503;
}

/**
 * A store failure as a {@link SessionStoreError} (503), unless it already is a {@link SessionError}
 * or the database refused a user id that is no row of the user table (a foreign key violation: the
 * caller's mistake, not an outage), which is a {@link SessionDataError}.
 */
export function toStoreError(error: unknown): SessionError {
  if (error instanceof SessionError) return error;
  if (isForeignKeyViolation(error)) {
    return new SessionDataError("The session's user id is not the id of a row of the user table (foreign key violation)", {
      cause: error,
      reason: "unknown-user",
    });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new SessionStoreError(`Session store failed: ${reason}`, { cause: error });
}

/** Thrown at construction when options are invalid. */
export class SessionConfigError extends SessionError {
  override readonly code = "SESSION_CONFIG_INVALID";
  override readonly status = 500;
}

/** Thrown when a read-only session is changed, or a session is changed while or after it is saved with its response. */
export class SessionStateError extends SessionError {
  override readonly code = "SESSION_STATE_INVALID";
  override readonly status = 500;
}

/** Thrown (HTTP 403) when a state-changing request fails a CSRF check: a foreign origin, or a missing or wrong CSRF token. */
export class CsrfError extends SessionError {
  override readonly code = "SESSION_CSRF_REJECTED";
  override readonly status = 403;
}

const FOREIGN_KEY_VIOLATION_CODES: ReadonlySet<unknown> = new Set([
  "P2003",
  "23503",
  "ER_NO_REFERENCED_ROW_2",
  "ER_NO_REFERENCED_ROW",
  "SQLITE_CONSTRAINT_FOREIGNKEY",
]);

/**
 * Prisma's P2003, PostgreSQL's 23503, MySQL's 1452 and SQLite's SQLITE_CONSTRAINT_FOREIGNKEY (as
 * better-sqlite3 and libsql name it), on the error or the driver error it wraps (a Prisma raw
 * query's in `meta.driverAdapterError`).
 */
function isForeignKeyViolation(error: unknown): boolean {
  for (let current = error, depth = 0; typeof current === "object" && current !== null && depth < 5; depth++) {
    const { code, errno, originalCode, kind, driverError, meta, cause } = current as {
      code?: unknown;
      errno?: unknown;
      originalCode?: unknown;
      kind?: unknown;
      driverError?: unknown;
      meta?: { driverAdapterError?: unknown };
      cause?: unknown;
    };
    if (FOREIGN_KEY_VIOLATION_CODES.has(code) || FOREIGN_KEY_VIOLATION_CODES.has(originalCode) || errno === 1452 || originalCode === "1452") return true;
    if (kind === "ForeignKeyConstraintViolation") return true;
    current = driverError ?? meta?.driverAdapterError ?? cause;
  }
  return false;
}
