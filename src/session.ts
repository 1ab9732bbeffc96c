import { inspect } from "node:util";
import type { DictSession, Updater } from "./dict-session.js";
import { SessionDataError, SessionStateError } from "./errors.js";
import { sumOf } from "./session-changes.js";
import { applyUpdate, assertPlainKey, FLASH_KEY, namespaceKey, own, RESERVED_PREFIX, withKey } from "./session-keys.js";
import { SessionNamespace } from "./session-namespace.js";
import type { SessionState } from "./session-state.js";
import type { UserId } from "./session-store.js";

/**
 * The shape of session data when no type is given. Apps type their data once by declaration merging:
 *
 * @example
 * ```ts
 * declare module "sessionrow" {
 *   interface SessionData { views: number; cart: string[] }
 * }
 * ```
 */
export interface SessionData {
  [key: string]: unknown;
}

/**
 * `K` where `Data` lets key `K` hold a number (declared `number`, optionally null or undefined, or
 * not declared at all), else `never`: what {@link Session.increment} accepts.
 */
export type CountableKey<Data, K extends keyof Data> = unknown extends Data[K] ? K : NonNullable<Data[K]> extends number ? K : never;

/** What a session needs from its manager. */
export interface SessionContext<TUser, TUserId extends UserId> {
  loadUser(userId: TUserId): Promise<TUser | null>;
  destroy(state: SessionState<TUserId>): Promise<void>;
  rotate(state: SessionState<TUserId>): void;
  csrfToken(state: SessionState<TUserId>): string;
  verifyCsrfToken(state: SessionState<TUserId>, value: unknown): boolean;
}

/** Options of {@link Session.clearUser}. */
export interface ClearUserOptions {
  /**
   * Issue a new token, so that a token known before the login (planted by an attacker: session
   * fixation) or before the logout is worthless afterwards. Turn it off only where the token is not
   * yours to change (the express-session bridge: express-session owns its session ids).
   * @default true
   */
  rotate?: boolean;
}

/** Options of {@link Session.setUser}. */
export interface SetUserOptions extends ClearUserOptions {
  /**
   * What the session keeps of its data when a user logs in (or another user takes it over): by
   * default nothing, so data planted before the login (a `returnTo`, a role-like key, a forged
   * flash) does not ride into the authenticated session. List the keys to carry over (a guest's
   * cart), or `"all"` to keep everything, namespaces and flash messages included. Setting the user
   * the session already has keeps everything.
   * @default []
   * @example await req.session.setUser(user, { keep: ["cart"] })
   */
  keep?: readonly string[] | "all";
}

type FlashMessages = Record<string, string[]>;


/** Reads a session's private state; set by the class's static block (a WeakMap entry per session would cost every request). */
let stateOf: (session: object) => SessionState<UserId> | undefined;

/** The state behind a session: for the core (manager, policy, save engine) only, never for an adapter. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any session, whatever its data and user types
export function sessionState<TUserId extends UserId>(session: Session<any, unknown, TUserId>): SessionState<TUserId> {
  const state = stateOf(session);
  if (!state) throw new SessionStateError("Not a session created by a SessionManager");
  return state as SessionState<TUserId>;
}

/**
 * One browser's (or API client's) session: a row with a user foreign key and one JSON object of data.
 * Reads are synchronous; changes are saved by the manager when the request ends.
 */
export class Session<Data extends object = SessionData, TUser = unknown, TUserId extends UserId = UserId>
  implements DictSession<Data>
{
  readonly #state: SessionState<TUserId>;
  readonly #context: SessionContext<TUser, TUserId>;
  #readOnly: boolean;
  #userCache: { userId: TUserId; user: Promise<TUser | null> } | undefined;
  #dataProxy: Partial<Data> | undefined;

  static {
    stateOf = (session) => (typeof session === "object" && session !== null && #state in session ? (session as Session).#state : undefined);
  }

  /** @internal Created by {@link SessionManager}; apps never construct sessions. */
  constructor(state: SessionState<TUserId>, context: SessionContext<TUser, TUserId>, options: { readOnly?: boolean; user?: TUser | null } = {}) {
    this.#state = state;
    this.#context = context;
    this.#readOnly = options.readOnly ?? false;
    if (options.user !== undefined && state.userId !== null) {
      this.#userCache = { userId: state.userId, user: Promise.resolve(options.user) };
    }
  }

  /** The stored id: hex SHA-256 of the token. Safe to log and show; useless to an attacker. */
  get id(): string {
    return this.#state.id;
  }

  /** The logged-in user's id (the foreign key), or `null`. */
  get userId(): TUserId | null {
    return this.#state.userId;
  }

  /** Whether the session is stored (a new session is stored once it holds data or a user). */
  get isNew(): boolean {
    return !this.#state.stored;
  }

  /** A read-only session never writes; changing it throws. */
  get readOnly(): boolean {
    return this.#readOnly;
  }

  /** When the session was created. */
  get createdAt(): Date {
    return this.#state.record.createdAt;
  }

  /** When the session was last used (updated at most once per `touchAfter`). */
  get lastSeenAt(): Date {
    return this.#state.record.lastSeenAt;
  }

  /** When the session expires unless used again (the earlier of idle and absolute expiry). */
  get expiresAt(): Date {
    return this.#state.record.expiresAt;
  }

  /** Hard expiry, counted from creation and never extended. */
  get absoluteExpiresAt(): Date {
    return this.#state.record.absoluteExpiresAt;
  }

  /** Version of the stored content; increases with every saved change. */
  get version(): number {
    return this.#state.record.version;
  }

  /** Whether the session holds anything worth storing: data or a user. */
  hasInfo(): boolean {
    return this.#state.hasInfo();
  }

  /**
   * The logged-in user's row, loaded by foreign key and cached for the request; `null` when nobody
   * is logged in or the user row is gone.
   */
  user(): Promise<TUser | null> {
    const userId = this.#state.userId;
    if (userId === null) return Promise.resolve(null);
    if (this.#userCache?.userId !== userId) {
      this.#userCache = { userId, user: this.#context.loadUser(userId) };
    }
    return this.#userCache.user;
  }

  /**
   * Logs a user in: stores their id as the foreign key and rotates the token, so a token planted
   * before login (session fixation) is worthless afterwards, and drops the data the session held
   * unless `keep` lists it. Pass the user row or its id. The `login` event fires once the session is saved.
   */
  async setUser(user: TUser | TUserId, options: SetUserOptions = {}): Promise<void> {
    this.#assertWritable();
    const userId = userIdOf<TUserId>(user);
    const previous = this.#state.userId;
    if (previous !== userId && options.keep !== "all") {
      const keep = new Set(options.keep ?? []);
      for (const key of [...this.#state.data.keys()]) if (!keep.has(key)) this.#state.remove(key, { kind: "delete" });
    }
    this.#state.userId = userId;
    this.#state.userChanged = true;
    if (options.rotate ?? true) this.#context.rotate(this.#state);
    this.#userCache = typeof user === "object" ? { userId, user: Promise.resolve(user as TUser) } : undefined;
    if (previous !== userId) this.#state.addEvent({ type: "login", userId, previousUserId: previous });
  }

  /** Logs the user out, keeping the session's data; rotates the token. The `logout` event fires once the session is saved. */
  async clearUser(options: ClearUserOptions = {}): Promise<void> {
    this.#assertWritable();
    const previous = this.#state.userId;
    if (previous === null) return;
    this.#state.userId = null;
    this.#state.userChanged = true;
    this.#userCache = undefined;
    if (options.rotate ?? true) this.#context.rotate(this.#state);
    this.#state.addEvent({ type: "logout", userId: previous });
  }

  /**
   * A token for this session to put in forms (a hidden field) or a request header, checked with
   * {@link verifyCsrfToken} on state-changing requests. It is derived from the session id with the
   * manager's secret, so it costs no storage (looking at a page stores nothing) and changes when the
   * token rotates (login, logout): a token seen before a login is worthless after it. A session that
   * is not stored yet has no lasting token: protect forms a visitor posts before the session exists
   * (a login form) with the Origin check (`verifyRequestOrigin`).
   */
  csrfToken(): string {
    return this.#context.csrfToken(this.#state);
  }

  /** Whether `value` is this session's {@link csrfToken} (constant-time). */
  verifyCsrfToken(value: unknown): boolean {
    return this.#context.verifyCsrfToken(this.#state, value);
  }

  /** Issues a new token for the same session data; the old token stops working when the session is saved. */
  regenerate(): void {
    this.#assertWritable();
    this.#context.rotate(this.#state);
  }

  /**
   * Deletes the stored session now and clears the client's token. The object lives on as a new, empty
   * session, so the rest of the request can still use it (e.g. to flash "logged out").
   */
  async destroy(): Promise<void> {
    this.#assertWritable();
    this.#userCache = undefined;
    await this.#context.destroy(this.#state);
  }

  get<K extends keyof Data & string>(key: K): Data[K] | undefined {
    return this.#state.data.get(key) as Data[K] | undefined;
  }

  set<K extends keyof Data & string>(key: K, value: Data[K] | undefined): this {
    this.#assertWritable();
    assertPlainKey(key);
    this.#state.write(key, value, value === undefined ? { kind: "delete" } : { kind: "set", value });
    return this;
  }

  delete(key: keyof Data & string): boolean {
    this.#assertWritable();
    const existed = this.#state.data.has(key);
    if (existed) this.#state.remove(key, { kind: "delete" });
    return existed;
  }

  /** Whether `key` is set. */
  has(key: keyof Data & string): boolean {
    return this.#state.data.has(key);
  }

  /** Keys set by the app (namespaces and flash messages excluded). */
  keys(): (keyof Data & string)[] {
    return [...this.#state.data.keys()].filter((key) => !key.startsWith(RESERVED_PREFIX)) as (keyof Data & string)[];
  }

  /** The `[key, value]` pairs set by the app (namespaces and flash messages excluded). */
  entries(): [keyof Data & string, Data[keyof Data & string]][] {
    return this.keys().map((key) => [key, this.#state.data.get(key) as Data[keyof Data & string]]);
  }

  /** Deletes every key, namespaces and flash messages included. The user stays logged in. */
  clear(): void {
    this.#assertWritable();
    for (const key of [...this.#state.data.keys()]) this.#state.remove(key, { kind: "delete" });
  }

  update<K extends keyof Data & string>(key: K, updater: Updater<Data[K]>): Data[K] | undefined {
    this.#assertWritable();
    assertPlainKey(key);
    return this.#update(key, updater as Updater<unknown>) as Data[K] | undefined;
  }

  /**
   * Adds `by` (default 1) to the number at `key`, where absent or null counts as 0, and returns the
   * sum. Parallel requests' increments all count, in this process or others: the saved value is
   * the stored one plus this request's increments, whatever was saved in the meantime. On
   * PostgreSQL (the stores' raw SQL), a save whose other changes are keys set or deleted is one
   * `UPDATE` that adds in the database, with no version check to lose. A save that also logs in or
   * out, rotates the token or ran an updater (`update`, flash messages, namespaces), and every save
   * under `conflict: "error"`, takes the version-checked path instead, where the increment is
   * replayed on the fresh value after a conflict.
   * @throws SessionDataError when `by` is not a safe integer, `key` holds something other than a
   * number, or the sum would pass `Number.MAX_SAFE_INTEGER`.
   */
  increment<K extends keyof Data & string>(key: K & CountableKey<Data, K>, by = 1): number {
    this.#assertWritable();
    assertPlainKey(key);
    if (!Number.isSafeInteger(by)) throw new SessionDataError(`increment() adds a safe integer; got ${String(by)}`, { key });
    const sum = sumOf(key, this.#state.data.get(key), by);
    this.#state.write(key, sum, { kind: "add", amount: by });
    return sum;
  }

  /**
   * The data as an object: `session.data.cart ??= []`, `session.data.cart.push(item)`. Reads and
   * writes go to the same JSON column as `get`/`set`; changes made in place are detected at save.
   */
  get data(): Partial<Data> {
    this.#dataProxy ??= this.#createDataProxy();
    return this.#dataProxy;
  }

  /**
   * A separate key space inside the session, for one application or component: its keys never
   * collide with plain keys or other namespaces. Parallel requests changing different keys of one
   * namespace are merged key by key.
   */
  namespace<NS extends object = Record<string, unknown>>(name: string): DictSession<NS> {
    if (typeof name !== "string" || name.length === 0) {
      throw new SessionDataError("A namespace name must be a non-empty string");
    }
    return new SessionNamespace<NS>(this.#state as SessionState<UserId>, namespaceKey(name), () => this.#assertWritable());
  }

  /** Queues a message for the next request that calls {@link consumeFlash} with the same kind. */
  flash(kind: string, message: string): void {
    this.#assertWritable();
    this.#update(FLASH_KEY, (current) => {
      const messages = (current ?? {}) as FlashMessages;
      return withKey(messages, kind, [...(own(messages, kind) ?? []), message]);
    });
  }

  /**
   * Returns and removes the queued messages of `kind` (empty when there are none).
   * @throws SessionStateError on a read-only or committed session: consuming a message changes the session.
   */
  consumeFlash(kind: string): string[] {
    this.#assertWritable();
    const messages = own((this.#state.data.get(FLASH_KEY) ?? {}) as FlashMessages, kind) ?? [];
    if (messages.length === 0) return [];
    const consumed = messages.length;
    this.#update(FLASH_KEY, (current) => {
      const queue = (current ?? {}) as FlashMessages;
      const remaining = (own(queue, kind) ?? []).slice(consumed);
      const next = withKey(queue, kind, remaining.length > 0 ? remaining : undefined);
      return Object.keys(next).length > 0 ? next : undefined;
    });
    return [...messages];
  }

  /**
   * What `JSON.stringify(session)` shows: the id (a hash, safe to show), the user id, the metadata and
   * the app's plain keys. Never the token, the client's address or User-Agent, namespaces or flash messages.
   */
  toJSON(): Record<string, unknown> {
    return {
      id: this.id,
      userId: this.userId,
      isNew: this.isNew,
      createdAt: this.createdAt,
      lastSeenAt: this.lastSeenAt,
      expiresAt: this.expiresAt,
      absoluteExpiresAt: this.absoluteExpiresAt,
      version: this.version,
      data: Object.fromEntries(this.entries()),
    };
  }

  /** What `util.inspect` and `console.log` show: the same as {@link toJSON}. */
  [inspect.custom](): string {
    return `Session ${inspect(this.toJSON())}`;
  }

  #update(key: string, updater: Updater<unknown>): unknown {
    return applyUpdate(this.#state, key, updater);
  }

  #assertWritable(): void {
    if (this.#readOnly) {
      throw new SessionStateError("This session is read-only: it cannot be changed, and it is never saved");
    }
    if (this.#state.sealed) {
      throw new SessionStateError(
        "This session was committed (its response is being sent): change it before sending the response",
      );
    }
  }

  #createDataProxy(): Partial<Data> {
    const session = this;
    const state = this.#state;
    return new Proxy(Object.create(null) as Partial<Data>, {
      get: (_target, key) => (typeof key === "string" ? state.data.get(key) : undefined),
      set: (_target, key, value) => {
        if (typeof key !== "string") return false;
        session.set(key as keyof Data & string, value);
        return true;
      },
      deleteProperty: (_target, key) => {
        if (typeof key === "string") session.delete(key as keyof Data & string);
        return true;
      },
      has: (_target, key) => typeof key === "string" && state.data.has(key) && !key.startsWith(RESERVED_PREFIX),
      ownKeys: () => session.keys(),
      getOwnPropertyDescriptor: (_target, key) =>
        typeof key === "string" && state.data.has(key) && !key.startsWith(RESERVED_PREFIX)
          ? { value: state.data.get(key), writable: true, enumerable: true, configurable: true }
          : undefined,
    });
  }
}

function userIdOf<TUserId extends UserId>(user: unknown): TUserId {
  const id = typeof user === "object" && user !== null ? (user as { id?: unknown }).id : user;
  if ((typeof id === "string" && id.length > 0) || (typeof id === "number" && Number.isSafeInteger(id))) {
    return id as TUserId;
  }
  throw new SessionDataError(`setUser() needs a user row with an id, or the id itself (a string or an integer); got ${String(id)}`);
}
