/** A user id as stored in the session row: the app's `User` primary key. */
export type UserId = string | number;

/** Top-level session data: one JSON object. */
export type SessionDataRecord = Record<string, unknown>;

/** One stored session row. Stores read and write these; they never interpret them. */
export interface SessionRecord<TUserId extends UserId = UserId> {
  /** Hex SHA-256 of the session token (primary key). */
  id: string;
  /** The logged-in user's id (a foreign key to the app's User), or `null` for an anonymous session. */
  userId: TUserId | null;
  /** The session data: one JSON object. */
  data: SessionDataRecord;
  /** Incremented by every content change; used for optimistic concurrency. */
  version: number;
  /** When the session was created. */
  createdAt: Date;
  /** When the session's content (`data`, `userId`) last changed. */
  updatedAt: Date;
  /** When the session was last used (throttled by the `touchAfter` option). */
  lastSeenAt: Date;
  /** When the session expires: the earlier of the idle and the absolute deadline. */
  expiresAt: Date;
  /** Hard deadline from creation; never extended. */
  absoluteExpiresAt: Date;
  /** The client's IP address when the session was created; `null` with `recordClientInfo: false`. */
  ipAddress: string | null;
  /** The client's User-Agent when the session was created; `null` with `recordClientInfo: false`. */
  userAgent: string | null;
}

/** Session metadata without its data, as listed by {@link SessionManager.iterate}. */
export type SessionMetadata<TUserId extends UserId = UserId> = Omit<SessionRecord<TUserId>, "data">;

/** Whether a row has passed its idle or its absolute expiry at `now` (ms since the epoch). */
export function isExpired(record: Pick<SessionRecord, "expiresAt" | "absoluteExpiresAt">, now: number): boolean {
  return record.expiresAt.getTime() <= now || record.absoluteExpiresAt.getTime() <= now;
}

/** A loaded session row, with its user row when the store was asked to join it. */
export interface LoadedSession<TUserId extends UserId = UserId, TUser = unknown> {
  /** The session row. */
  record: SessionRecord<TUserId>;
  /** The joined user row; `undefined` when not requested, `null` when the session has no user. */
  user?: TUser | null;
}

/** The columns a version-checked update writes. `id` changes when the token is rotated. */
export interface SessionUpdate<TUserId extends UserId = UserId> {
  /** The row's id after the update: the new id when the token was rotated, else the current one. */
  id: string;
  /** The logged-in user's id, or `null`. */
  userId: TUserId | null;
  /** The complete new session data. */
  data: SessionDataRecord;
  /** The new version: the expected version plus one. */
  version: number;
  /** The time of this change. */
  updatedAt: Date;
  /** The time of this request. */
  lastSeenAt: Date;
  /** The new expiry: the earlier of the idle and the absolute deadline. */
  expiresAt: Date;
}

/**
 * What a locked update writes, computed from the row as it is under the lock (`null`: the row is
 * gone); `null` writes nothing.
 */
export type LockedChange<TUserId extends UserId = UserId> = (current: SessionRecord<TUserId> | null) => SessionUpdate<TUserId> | null;

/**
 * Changes to a row's data that do not depend on what the row holds: keys set or deleted outright and
 * numbers added. The three key sets are disjoint.
 */
export interface SessionDataChanges {
  /** Keys set to these values. */
  set: SessionDataRecord;
  /** Keys removed. */
  deleted: readonly string[];
  /** Amounts added to keys that hold a number (an absent or null key counts as 0). */
  added: Readonly<Record<string, number>>;
}

/** What a merged update writes: {@link SessionDataChanges} applied to the row as it is, and the visit's metadata. */
export interface SessionMerge extends SessionDataChanges {
  /** The time of this change. */
  updatedAt: Date;
  /** The time of this request. */
  lastSeenAt: Date;
  /** The new expiry: the earlier of the idle and the absolute deadline. */
  expiresAt: Date;
  /** The most bytes the merged data may take as JSON text (the store's own measure, at least `JSON.stringify`'s). */
  maxDataBytes: number;
}

/** The metadata columns a touch writes: never `data`, never `version`. */
export interface SessionTouch {
  /** The time of this request. */
  lastSeenAt: Date;
  /** The new expiry: the earlier of the idle and the absolute deadline. */
  expiresAt: Date;
}

/** What a store can promise; see session2's `is_multiprocess_safe`. */
export interface StoreCapabilities {
  /** Several processes (or hosts) may share the store without losing updates. */
  readonly multiProcessSafe: boolean;
  /** The data outlives the process. */
  readonly persistent: boolean;
}

/**
 * Which database a store writes to, as telemetry reports it (OpenTelemetry's database semantic
 * conventions).
 */
export interface StoreDatabase {
  /** `db.system.name`: `"postgresql"`, `"mysql"`, `"mariadb"`, `"sqlite"`, ... */
  readonly system: string;
  /** `db.collection.name`: the session table. */
  readonly collection: string;
  /** `db.namespace`: the database's name, when the store knows it without a query. */
  readonly namespace?: string;
}

/** Options for {@link SessionStore.iterate}. */
export interface IterateOptions<TUserId extends UserId = UserId> {
  /** Only this user's sessions. */
  userId?: TUserId;
  /** Rows fetched per query. */
  batchSize?: number;
}

/**
 * Persistence for session rows: a handful of domain verbs, each one query where the database allows
 * it. Stores hold no policy (expiry, rotation, merging are the manager's); they must be safe to call
 * concurrently. Not-found is never an error.
 */
export interface SessionStore<TUserId extends UserId = UserId, TUser = unknown> {
  /** What this store promises about sharing and durability. */
  readonly capabilities: StoreCapabilities;

  /** Which database this is, for telemetry; `undefined` when the store cannot tell (yet). */
  readonly database?: StoreDatabase | undefined;

  /**
   * Finds out {@link database} when that takes a query (the Prisma store asks the database what it
   * is). Telemetry calls it once, before its first span.
   */
  describeDatabase?(): Promise<StoreDatabase | undefined>;

  /**
   * Reads one row by id, or `null`. With `withUser`, also returns the user row (in one query where the
   * ORM allows a join).
   */
  load(id: string, options?: { withUser?: boolean }): Promise<LoadedSession<TUserId, TUser> | null>;

  /** Inserts a new row. Rejects if the id exists (it never does: ids are hashes of fresh random tokens). */
  insert(record: SessionRecord<TUserId>): Promise<void>;

  /**
   * Writes `update` to the row `id` only if its version is still `expectedVersion` and it has not
   * expired at `update.updatedAt` (both its `expiresAt` and `absoluteExpiresAt` are later), checked in
   * the same statement. Returns `false` when the row changed, expired or no longer exists (nothing is
   * written). Never creates a row, and never revives one that expired while the request ran.
   */
  updateIfVersion(id: string, expectedVersion: number, update: SessionUpdate<TUserId>): Promise<boolean>;

  /**
   * Optional. Locks the row `id` against other writers, reads it, and writes `change(row)` in the same
   * transaction, checked as {@link updateIfVersion} checks (version and expiry; the version cannot
   * have moved under the lock): the fallback of a save that lost a version check to another process,
   * so that it cannot lose again. Resolves `true` when written; `false` when the row is gone or expired
   * or `change` returned `null`; `undefined` when this store cannot lock rows on its database (the
   * caller goes on retrying optimistically).
   */
  updateLocked?(id: string, change: LockedChange<TUserId>): Promise<boolean | undefined>;

  /**
   * Optional. Applies `merge` to the row `id` in one statement, without a version check (whatever
   * another process wrote to other keys stays), increments its version and writes the metadata:
   * the write of a save whose changes do not depend on what the row holds, which cannot conflict.
   * Resolves the row as written; `null` when nothing was written: the row is gone or expired at
   * `merge.updatedAt`, a key to add to holds something other than a number or null, a sum would pass
   * `Number.MAX_SAFE_INTEGER`, or the merged data would be over `merge.maxDataBytes` (by the store's
   * measure, never shorter than `JSON.stringify`'s); `undefined` when this store cannot merge on its
   * database.
   */
  mergeUpdate?(id: string, merge: SessionMerge): Promise<SessionRecord<TUserId> | null | undefined>;

  /**
   * Writes the metadata columns of an existing row without touching `data` or `version`, only if
   * it has not expired at `touch.lastSeenAt`. Returns `false` when the row does not exist or has
   * expired. Never creates a row, so a late touch cannot resurrect a deleted or expired session.
   */
  touch(id: string, touch: SessionTouch): Promise<boolean>;

  /** Deletes a row. Idempotent: deleting a missing row is not an error. */
  delete(id: string): Promise<void>;

  /** Every row of a user, newest first. */
  listByUser(userId: TUserId): Promise<SessionRecord<TUserId>[]>;

  /** Deletes every row of a user except `exceptId`; returns how many were deleted. */
  deleteByUser(userId: TUserId, exceptId?: string): Promise<number>;

  /**
   * Deletes at most `limit` rows whose `expiresAt` is at or before `now`; returns how many. Safe to run
   * from several processes at once (rows are deleted at most once).
   */
  deleteExpired(now: Date, limit: number): Promise<number>;

  /** Every row (or one user's), in id order, fetched in batches. */
  iterate(options?: IterateOptions<TUserId>): AsyncIterable<SessionRecord<TUserId>>;

  /** Loads the user row with this id, or `null`. */
  loadUser(userId: TUserId): Promise<TUser | null>;
}
