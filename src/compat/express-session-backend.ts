import { toMilliseconds } from "../duration.js";
import { ConflictError, toStoreError } from "../errors.js";
import { serializeJsonValue } from "../json-value.js";
import type { Clock } from "../session-manager-options.js";
import { isExpired, type SessionDataRecord, type SessionRecord, type SessionStore, type UserId } from "../session-store.js";
import { sessionIdOf } from "../token.js";
import { canonicalJson } from "./canonical-json.js";
import type { ExpressSessionStoreOptions } from "./express-session-store-options.js";

/** Where express-session's cookie settings live in the `data` column (`$` keys are the library's). */
const COOKIE_KEY = "$cookie";
/** Reads remembered for the save that follows them in the same request; bounded against requests that never end. */
const MAX_REMEMBERED_READS = 10_000;
/** Remembered instead of a read when a session is destroyed: a request that read it before must not save it back. */
const DESTROYED = Symbol("destroyed");
const MAX_SAVE_ATTEMPTS = 16;

/** A session as express-session hands it to a store and expects it back: its data and a `cookie`. */
export interface ExpressSessionObject {
  /** express-session's cookie settings (`maxAge`, `expires`, ...), stored with the data. */
  cookie?: object;
  [key: string]: unknown;
}

/** A session as it goes into the row. */
interface SessionRow {
  userId: UserId | null;
  data: SessionDataRecord;
  /** The expiry the cookie asks for (`null`: a browser-session cookie, expiring `ttl` after last use). */
  cookieExpires: Date | null;
}

/**
 * The storage behind {@link expressSessionStore}: express-session's store operations as promises, on
 * the sessionrow table through any {@link SessionStore}. Rows are keyed by the SHA-256 of
 * express-session's session id, which is a plaintext bearer secret in its cookie: the table holds no
 * usable token. Saves follow express-session's semantics: whole objects, the last save wins.
 */
export class ExpressSessionBackend {
  /** The sessionrow store the sessions are kept in. */
  readonly sessions: SessionStore;
  readonly #userIdKey: string | null;
  readonly #ttl: number;
  readonly #absoluteTimeout: number;
  readonly #touchAfter: number;
  readonly #clock: Clock;
  /** The row each `get()` returned, by row id, for the `set()` or `touch()` that ends the request. */
  readonly #reads = new Map<string, SessionRecord | typeof DESTROYED>();

  /** @throws SessionConfigError when an option is invalid. */
  constructor(sessions: SessionStore, options: ExpressSessionStoreOptions = {}) {
    this.sessions = sessions;
    this.#userIdKey = options.userIdKey === undefined ? "userId" : options.userIdKey;
    this.#ttl = toMilliseconds(options.ttl ?? "1d", "ttl");
    this.#absoluteTimeout = toMilliseconds(options.absoluteTimeout ?? "400d", "absoluteTimeout");
    this.#touchAfter = options.touchAfter === 0 ? 0 : toMilliseconds(options.touchAfter ?? "1m", "touchAfter");
    this.#clock = options.clock ?? { now: Date.now };
  }

  /** The session of express-session's id: `null` when unknown or expired (an expired row is deleted). */
  async get(sid: string): Promise<ExpressSessionObject | null> {
    const id = sessionIdOf(sid);
    const loaded = await this.#call(() => this.sessions.load(id));
    if (loaded === null) return null;
    const { record } = loaded;
    if (this.#isExpired(record)) {
      await this.#call(() => this.sessions.delete(id));
      return null;
    }
    this.#remember(id, record);
    return this.#toSession(record);
  }

  /**
   * Saves the whole session, inserting it when new. A session destroyed meanwhile by a parallel request stays destroyed.
   * @throws SessionDataError when a value cannot be stored alike on every database (e.g. a string with a NUL character).
   */
  set(sid: string, session: ExpressSessionObject): Promise<void> {
    return this.#save(sid, session, true);
  }

  /** Deletes a session. Idempotent. */
  async destroy(sid: string): Promise<void> {
    const id = sessionIdOf(sid);
    this.#remember(id, DESTROYED);
    await this.#call(() => this.sessions.delete(id));
  }

  /**
   * Records a visit of a session its request did not change (last seen, sliding expiry): at most once per
   * `touchAfter`, never for a session that no longer exists, and never rewriting data another request
   * saved meanwhile; only changed cookie settings (e.g. a new `maxAge`) are saved.
   */
  touch(sid: string, session: ExpressSessionObject): Promise<void> {
    return this.#save(sid, session, false);
  }

  /** Every live express-session session (without ids: the table holds only their hashes). Reads the whole table. */
  async all(): Promise<ExpressSessionObject[]> {
    const sessions: ExpressSessionObject[] = [];
    await this.#forEachOwnRow(async (record) => {
      if (!this.#isExpired(record)) sessions.push(this.#toSession(record));
    });
    return sessions;
  }

  /** How many live express-session sessions there are. Reads the whole table. */
  async length(): Promise<number> {
    return (await this.all()).length;
  }

  /** Deletes every express-session session; native sessionrow sessions in the same table stay. */
  async clear(): Promise<void> {
    this.#reads.clear();
    await this.#forEachOwnRow((record) => this.sessions.delete(record.id));
  }

  /** `set()` (`create`) and `touch()`: a content change is one version-checked update, an unchanged session a throttled touch. */
  async #save(sid: string, session: ExpressSessionObject, create: boolean): Promise<void> {
    const id = sessionIdOf(sid);
    const row = this.#toRow(session);
    const read = this.#reads.get(id);
    if (read === DESTROYED) return;
    this.#reads.delete(id);
    let current = read ?? (await this.#call(() => this.sessions.load(id)))?.record ?? null;
    if (current === null) {
      if (!create) return;
      current = await this.#insert(id, row);
      if (current === null) return;
    }
    for (let attempt = 1; ; attempt++) {
      // A touch carries the session as its request read it: only its cookie settings (a new maxAge) may change.
      const target = create ? row : { ...row, userId: current.userId, data: { ...current.data, [COOKIE_KEY]: row.data[COOKIE_KEY] } };
      if (this.#sameContent(current, target)) return this.#touch(current, target);
      if (await this.#update(current, target)) return;
      const fresh = await this.#call(() => this.sessions.load(id));
      // Destroyed by a parallel request (logout): saving now would resurrect it.
      if (fresh === null) return;
      if (attempt >= MAX_SAVE_ATTEMPTS) {
        throw new ConflictError(`Session ${id} kept changing under parallel requests; gave up after ${attempt} attempts`);
      }
      current = fresh.record;
    }
  }

  /** Inserts a new row; returns `null` when done, or the row a parallel request inserted first (to update). */
  async #insert(id: string, row: SessionRow): Promise<SessionRecord | null> {
    const now = this.#clock.now();
    const absoluteExpiresAt = new Date(now + this.#absoluteTimeout);
    const record: SessionRecord = {
      id,
      userId: row.userId,
      data: row.data,
      version: 0,
      createdAt: new Date(now),
      updatedAt: new Date(now),
      lastSeenAt: new Date(now),
      expiresAt: this.#expiry(row, now, absoluteExpiresAt),
      absoluteExpiresAt,
      ipAddress: null,
      userAgent: null,
    };
    try {
      await this.sessions.insert(record);
      return null;
    } catch (error) {
      const existing = await this.#call(() => this.sessions.load(id));
      if (existing === null) throw toStoreError(error);
      return existing.record;
    }
  }

  async #update(current: SessionRecord, row: SessionRow): Promise<boolean> {
    const now = this.#clock.now();
    return this.#call(() =>
      this.sessions.updateIfVersion(current.id, current.version, {
        id: current.id,
        userId: row.userId,
        data: row.data,
        version: current.version + 1,
        updatedAt: new Date(now),
        lastSeenAt: new Date(now),
        expiresAt: this.#expiry(row, now, current.absoluteExpiresAt),
      }),
    );
  }

  async #touch(current: SessionRecord, row: SessionRow): Promise<void> {
    const now = this.#clock.now();
    if (now - current.lastSeenAt.getTime() < this.#touchAfter) return;
    const touch = { lastSeenAt: new Date(now), expiresAt: this.#expiry(row, now, current.absoluteExpiresAt) };
    await this.#call(() => this.sessions.touch(current.id, touch));
  }

  /** Runs `action` on every row written by this store (those holding express-session's cookie). */
  async #forEachOwnRow(action: (record: SessionRecord) => Promise<void> | void): Promise<void> {
    await this.#call(async () => {
      for await (const record of this.sessions.iterate()) if (COOKIE_KEY in record.data) await action(record);
    });
  }

  #toRow(session: ExpressSessionObject): SessionRow {
    // The JSON round trip every express-session store does: Dates become strings, `cookie` its toJSON().
    const { cookie, ...json } = JSON.parse(JSON.stringify(session)) as Record<string, unknown> & {
      cookie?: { expires?: string | null };
    };
    const { expires, ...cookieSettings } = cookie ?? {};
    let userId: UserId | null = null;
    if (this.#userIdKey !== null) {
      const value = json[this.#userIdKey];
      if (typeof value === "string" || typeof value === "number") {
        userId = value;
        delete json[this.#userIdKey];
      }
    }
    // Every database must store the data alike (PostgreSQL's jsonb refuses NUL characters, for one).
    for (const [key, value] of Object.entries(json)) serializeJsonValue(key, value);
    return {
      userId,
      data: { ...json, [COOKIE_KEY]: cookieSettings },
      cookieExpires: typeof expires === "string" ? new Date(expires) : null,
    };
  }

  #toSession(record: SessionRecord): ExpressSessionObject {
    const { [COOKIE_KEY]: cookie, ...data } = record.data;
    const settings = (cookie ?? {}) as { originalMaxAge?: number | null };
    const expires = typeof settings.originalMaxAge === "number" ? record.expiresAt.toISOString() : null;
    const session: Record<string, unknown> = { ...data, cookie: { ...settings, expires } };
    if (this.#userIdKey !== null && record.userId !== null) session[this.#userIdKey] = record.userId;
    return session;
  }

  #sameContent(record: SessionRecord, row: SessionRow): boolean {
    return record.userId === row.userId && canonicalJson(record.data) === canonicalJson(row.data);
  }

  #expiry(row: SessionRow, now: number, absoluteExpiresAt: Date): Date {
    const wanted = row.cookieExpires?.getTime() ?? now + this.#ttl;
    return new Date(Math.min(wanted, absoluteExpiresAt.getTime()));
  }

  #isExpired(record: SessionRecord): boolean {
    return isExpired(record, this.#clock.now());
  }

  #remember(id: string, read: SessionRecord | typeof DESTROYED): void {
    this.#reads.delete(id);
    this.#reads.set(id, read);
    if (this.#reads.size > MAX_REMEMBERED_READS) this.#reads.delete(this.#reads.keys().next().value!);
  }

  async #call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw toStoreError(error);
    }
  }
}
