import { isExpired, type SessionRecord, type UserId } from "../session-store.js";
import type { Session, SessionData } from "../session.js";
import { namespaceKey } from "../session-keys.js";
import type { SessionLifecycle } from "../session-lifecycle.js";
import type { ExpressSessionStoreOptions } from "./express-session-store-options.js";
import { EXPRESS_SESSION_NAMESPACE } from "./express-session-layout.js";

/** Reads remembered for the save that follows them in the same request; bounded against requests that never end. */
const MAX_REMEMBERED_READS = 10_000;

/** A session as express-session hands it to a store and expects it back: its data and a `cookie`. */
export interface ExpressSessionObject {
  /** express-session's cookie settings (`maxAge`, `expires`, ...), stored with the data. */
  cookie?: object;
  [key: string]: unknown;
}

/** express-session's cookie settings as stored: without `expires`, which moves on every request. */
interface StoredCookie {
  originalMaxAge?: number | null;
  [setting: string]: unknown;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
type AnySession = Session<SessionData, any, UserId>;

/**
 * The storage behind {@link expressSessionStore}: express-session's store operations as promises, on
 * a {@link SessionManager}'s table and policy. Rows are keyed by the SHA-256 of express-session's
 * session id (a plaintext bearer secret in its cookie), so the table holds no usable token. Each
 * session is an ordinary sessionrow session: the app's fields are top-level keys, the user id
 * (`userIdKey`) is the foreign key, express-session's cookie settings live in a namespace. Expiry,
 * touch throttling, the store timeout, the data size limit and events are the manager's.
 */
export class ExpressSessionBackend {
  /** The manager whose table and policy the sessions use. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any manager: the bridge's sessions hold untyped data and never load users
  readonly manager: SessionLifecycle<any, any, any>;
  readonly #userIdKey: string | null;
  /** The sessions `get()` returned, by express-session id (newest last), for the `set()` or `touch()` that ends their request. */
  readonly #reads = new Map<string, AnySession[]>();
  #readCount = 0;

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
  constructor(manager: SessionLifecycle<any, any, any>, options: ExpressSessionStoreOptions = {}) {
    this.manager = manager;
    this.#userIdKey = options.userIdKey === undefined ? "userId" : options.userIdKey;
  }

  /** The session of express-session's id: `null` when unknown or expired (an expired row is deleted). */
  async get(sid: string): Promise<ExpressSessionObject | null> {
    const session = await this.manager.loadUnsigned(sid);
    if (session.isNew) return null;
    const cookie = storedCookie(session.namespace(EXPRESS_SESSION_NAMESPACE).get("cookie"));
    if (this.#cookieExpired(cookie, session.lastSeenAt)) {
      await this.manager.destroy(session);
      return null;
    }
    this.#remember(sid, session);
    return this.#toObject(session.entries(), session.userId, cookie, session.lastSeenAt);
  }

  /**
   * Saves the whole session, inserting it when new. A session that a request read and that was
   * destroyed or revoked meanwhile (by a parallel request, another process, the CLI) stays destroyed.
   * When parallel requests overlap, the keys each one changed are merged.
   * @throws SessionDataError when a value cannot be stored (not JSON, over `maxDataBytes`, a `$` key).
   */
  async set(sid: string, object: ExpressSessionObject): Promise<void> {
    const session = this.#takeRead(sid) ?? (await this.manager.loadUnsigned(sid));
    const { cookie, fields, userId } = this.#fromObject(object);
    for (const key of session.keys()) if (!Object.hasOwn(fields, key)) session.delete(key);
    for (const [key, value] of Object.entries(fields)) session.set(key, value);
    if (userId !== session.userId) {
      if (userId === null) await session.clearUser({ rotate: false });
      else await session.setUser(userId, { rotate: false, keep: "all" });
    }
    setCookie(session, cookie);
    await this.manager.commit(session);
  }

  /**
   * Deletes a session. Idempotent. A later `set()` of the same id stores it again (as with
   * express-session's MemoryStore); only a session destroyed elsewhere (`revokeForUser`, another
   * process, the CLI) stays gone for the requests that read it before.
   */
  async destroy(sid: string): Promise<void> {
    this.#forget(sid);
    const session = await this.manager.loadUnsigned(sid);
    if (!session.isNew) await this.manager.destroy(session);
  }

  /**
   * Records a visit of a session its request did not change (last seen, sliding expiry), as the
   * manager's `touchAfter` allows; only changed cookie settings (e.g. a new `maxAge`) are saved.
   * Never creates a session, and never brings back one destroyed meanwhile.
   */
  async touch(sid: string, object: ExpressSessionObject): Promise<void> {
    const session = this.#takeRead(sid) ?? (await this.manager.loadUnsigned(sid));
    if (session.isNew) return;
    setCookie(session, this.#fromObject(object).cookie);
    await this.manager.commit(session);
  }

  /** Every live express-session session (without ids: the table holds only their hashes). Reads the whole table. */
  async all(): Promise<ExpressSessionObject[]> {
    const sessions: ExpressSessionObject[] = [];
    await this.#forEachOwnRow(async (record, cookie) => {
      if (isExpired(record, this.manager.options.clock.now()) || this.#cookieExpired(cookie, record.lastSeenAt)) return;
      const fields = Object.entries(record.data).filter(([key]) => !key.startsWith("$"));
      sessions.push(this.#toObject(fields, record.userId, cookie, record.lastSeenAt));
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
    this.#readCount = 0;
    await this.#forEachOwnRow((record) => this.manager.destroy(record.id));
  }

  /** Runs `action` on every row written by this store (those holding express-session's namespace). */
  async #forEachOwnRow(action: (record: SessionRecord, cookie: StoredCookie | undefined) => Promise<void>): Promise<void> {
    const key = namespaceKey(EXPRESS_SESSION_NAMESPACE);
    for await (const record of this.manager.iterate({ includeData: true })) {
      if (!Object.hasOwn(record.data, key)) continue;
      await action(record, storedCookie((record.data[key] as { cookie?: unknown } | null)?.cookie));
    }
  }

  /** The parts of express-session's object: its cookie settings, the app's fields, and the user id for the foreign key. */
  #fromObject(object: ExpressSessionObject): { cookie: StoredCookie | undefined; fields: Record<string, unknown>; userId: UserId | null } {
    // The JSON round trip every express-session store does: Dates become strings, `cookie` its toJSON().
    const { cookie, ...fields } = JSON.parse(JSON.stringify(object)) as Record<string, unknown> & { cookie?: StoredCookie & { expires?: unknown } };
    let userId: UserId | null = null;
    if (this.#userIdKey !== null) {
      const value = fields[this.#userIdKey];
      if (typeof value === "string" || typeof value === "number") {
        userId = value;
        delete fields[this.#userIdKey];
      }
    }
    if (cookie === undefined) return { cookie: undefined, fields, userId };
    const { expires: _expires, ...settings } = cookie;
    return { cookie: settings, fields, userId };
  }

  #toObject(fields: Iterable<[string, unknown]>, userId: UserId | null, cookie: StoredCookie | undefined, lastSeenAt: Date): ExpressSessionObject {
    const object: ExpressSessionObject = Object.fromEntries(fields);
    if (this.#userIdKey !== null && userId !== null) object[this.#userIdKey] = userId;
    if (cookie !== undefined) {
      const expiresAt = cookieExpiry(cookie, lastSeenAt);
      object.cookie = { ...cookie, expires: expiresAt === null ? null : new Date(expiresAt).toISOString() };
    }
    return object;
  }

  /** Whether the cookie's own lifetime (`maxAge` after the last visit, as express-session's MemoryStore counts it) has passed. */
  #cookieExpired(cookie: StoredCookie | undefined, lastSeenAt: Date): boolean {
    const expiresAt = cookie === undefined ? null : cookieExpiry(cookie, lastSeenAt);
    return expiresAt !== null && expiresAt <= this.manager.options.clock.now();
  }

  #remember(sid: string, session: AnySession): void {
    const reads = this.#reads.get(sid);
    if (reads) reads.push(session);
    else this.#reads.set(sid, [session]);
    if (++this.#readCount > MAX_REMEMBERED_READS) {
      const [oldest, sessions] = this.#reads.entries().next().value!;
      sessions.shift();
      this.#readCount--;
      if (sessions.length === 0) this.#reads.delete(oldest);
    }
  }

  #forget(sid: string): void {
    this.#readCount -= this.#reads.get(sid)?.length ?? 0;
    this.#reads.delete(sid);
  }

  /** The newest session a request read under `sid` and has not saved yet. */
  #takeRead(sid: string): AnySession | undefined {
    const reads = this.#reads.get(sid);
    if (!reads) return undefined;
    const session = reads.pop();
    this.#readCount--;
    if (reads.length === 0) this.#reads.delete(sid);
    return session;
  }
}

function storedCookie(value: unknown): StoredCookie | undefined {
  return typeof value === "object" && value !== null ? (value as StoredCookie) : undefined;
}

function cookieExpiry(cookie: StoredCookie, lastSeenAt: Date): number | null {
  return typeof cookie.originalMaxAge === "number" ? lastSeenAt.getTime() + cookie.originalMaxAge : null;
}

/** Stores express-session's cookie settings in the session's namespace (or removes them when the object came without). */
function setCookie(session: AnySession, cookie: StoredCookie | undefined): void {
  const namespace = session.namespace(EXPRESS_SESSION_NAMESPACE);
  if (cookie === undefined) namespace.delete("cookie");
  else namespace.set("cookie", steadyMaxAge(cookie, storedCookie(namespace.get("cookie"))));
}

/**
 * `cookie` with the stored `originalMaxAge` when they differ by less than a second: express-session
 * recomputes it from two clock readings on every request (`resetMaxAge`), and a millisecond's drift is
 * no change worth a write.
 */
function steadyMaxAge(cookie: StoredCookie, stored: StoredCookie | undefined): StoredCookie {
  const [given, kept] = [cookie.originalMaxAge, stored?.originalMaxAge];
  if (typeof given !== "number" || typeof kept !== "number" || Math.abs(given - kept) >= 1000) return cookie;
  return { ...cookie, originalMaxAge: kept };
}
