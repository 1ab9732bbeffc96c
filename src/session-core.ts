import { setTimeout as sleep } from "node:timers/promises";
import { inspect } from "node:util";
import type { LoadOptions } from "./load-options.js";
import { Session, sessionState, type SessionContext, type SessionData } from "./session.js";
import { SessionEventDispatcher } from "./session-event-dispatcher.js";
import type { SessionEvents } from "./session-events.js";
import type { SessionLifecycle } from "./session-lifecycle.js";
import { checkedPauseRatio, resolveOptions, type ResolvedOptions, type SessionManagerOptions } from "./session-manager-options.js";
import { SessionPolicy } from "./session-policy.js";
import { SessionSaver, type StoreCaller } from "./session-saver.js";
import type { SessionState } from "./session-state.js";
import type { IterateOptions, SessionMetadata, SessionRecord, SessionStore, UserId } from "./session-store.js";
import { callStore } from "./store-call.js";
import { SessionTelemetry } from "./telemetry/session-telemetry.js";
import type { TokenAction } from "./token-action.js";
import { sessionIdOf, TokenSigner } from "./token.js";

const CSRF_PURPOSE = "csrf";

/**
 * sessionrow's core: the request lifecycle ({@link load}, {@link commit}) that every framework
 * adapter uses, and the admin verbs (revoke, prune, iterate). All session policy (tokens, expiry,
 * touch throttling, rotation, conflict handling) is here; the {@link SessionStore} only persists rows.
 * It imports no adapter: apps use its subclass `SessionManager`, which adds `express()`,
 * `expressSessionStore()` and the ORM constructors.
 */
export class SessionCore<Data extends object = SessionData, TUser = unknown, TUserId extends UserId = UserId>
  implements SessionLifecycle<Data, TUser, TUserId>
{
  /** The store this manager persists to. */
  readonly store: SessionStore<TUserId, TUser>;
  /** Options with defaults applied (durations in milliseconds). */
  readonly options: Readonly<ResolvedOptions>;
  readonly #signer: TokenSigner;
  readonly #events = new SessionEventDispatcher<TUserId>();
  readonly #policy: SessionPolicy<TUserId>;
  readonly #saver: SessionSaver<TUserId>;
  readonly #call: StoreCaller;
  readonly #context: SessionContext<TUser, TUserId>;

  /**
   * @param store where sessions are persisted (a `PrismaStore`, `TypeORMStore`, `MemoryStore`, or your own).
   * @throws SessionConfigError when an option is invalid.
   */
  constructor(store: SessionStore<TUserId, TUser>, options: SessionManagerOptions) {
    this.store = store;
    const { secrets, ...resolved } = resolveOptions(options);
    this.options = resolved;
    this.#signer = new TokenSigner(secrets);
    this.#policy = new SessionPolicy<TUserId>(resolved);
    const telemetry = options.telemetry && new SessionTelemetry(options.telemetry, () => store.database, store.describeDatabase?.());
    // Without telemetry a store call is exactly what it was before it existed: no span, no clock read.
    this.#call = telemetry
      ? (operation, run) => telemetry.trace(operation, () => callStore(telemetry.timed(run), resolved.storeTimeout))
      : (_operation, run) => callStore(run, resolved.storeTimeout);
    telemetry?.observe(this.#events);
    this.#saver = new SessionSaver<TUserId>(store, this.#policy, this.#call, this.#events, resolved, telemetry);
    this.#context = {
      loadUser: (userId) => this.#call({ name: "load_user" }, () => this.store.loadUser(userId)),
      destroy: (state) => this.#destroyState(state),
      rotate: (state) => this.#policy.rotate(state),
      csrfToken: (state) => this.#signer.derive(CSRF_PURPOSE, state.id),
      verifyCsrfToken: (state, value) => this.#signer.verifyDerived(CSRF_PURPOSE, state.id, value),
    };
  }

  /**
   * Subscribes to an event. Events fire after the write they report succeeded; a listener that throws
   * or rejects never fails the request (see the `error` event).
   */
  on<E extends keyof SessionEvents<TUserId>>(event: E, listener: (payload: SessionEvents<TUserId>[E]) => unknown): this {
    this.#events.on(event, listener);
    return this;
  }

  /** Removes a listener added with {@link on}. */
  off<E extends keyof SessionEvents<TUserId>>(event: E, listener: (payload: SessionEvents<TUserId>[E]) => unknown): this {
    this.#events.off(event, listener);
    return this;
  }

  /** A new, empty session. It is stored on commit once it holds data or a user. */
  create(options: LoadOptions = {}): Session<Data, TUser, TUserId> {
    return this.#wrap(this.#policy.newState(options), options);
  }

  /**
   * The session of a signed token (as held by the client), or a new empty session when the token is
   * missing, forged, unknown or expired. A token whose signature does not verify costs no query.
   * Given several values (a cookie name sent more than once), the first whose session is live is used;
   * values that do not verify cost no query.
   * @throws SessionStoreError when the store fails.
   */
  async load(signedToken: string | readonly string[] | null | undefined, options: LoadOptions = {}): Promise<Session<Data, TUser, TUserId>> {
    if (typeof signedToken === "string") return this.#loadOne(signedToken, options);
    const presented = signedToken ?? [];
    const tokens: string[] = [];
    for (const candidate of presented) {
      const token = this.#signer.verify(candidate, options.channel);
      if (token !== null) tokens.push(token);
    }
    // With several values (a sibling subdomain can add a cookie of the same name), the others are
    // someone else's: clearing "the" cookie could delete the real one, so only a lone dead token is cleared.
    const clearable = presented.length === 1;
    if (tokens.length === 0) return this.#fresh(options, clearable);
    let expired = false;
    // Several verified values: anyone can get a validly signed token, so the first whose session is
    // live wins, not merely the first that verifies (a planted dead one must not hide the real one).
    for (const token of tokens) {
      const stored = await this.#loadStored(token, options);
      if (typeof stored !== "string") return stored;
      expired ||= stored === "expired";
    }
    // A verified token without a row is left alone: a parallel login may have just rotated it, and
    // clearing it here could delete the new cookie in the browser.
    return this.#fresh(options, expired && clearable);
  }

  /**
   * The session of a raw (unsigned) token that the caller has authenticated itself, as the
   * express-session bridge does with express-session's signed cookie. When no live session has this
   * token, the new empty session keeps it (it is stored under it on commit), so use this only with
   * tokens your server generated: a token chosen by a client would let it fix the session id.
   * @throws SessionStoreError when the store fails.
   */
  async loadUnsigned(token: string, options: LoadOptions = {}): Promise<Session<Data, TUser, TUserId>> {
    const stored = await this.#loadStored(token, options);
    return typeof stored === "string" ? this.#wrap(this.#policy.newState(options, token), options) : stored;
  }

  /**
   * Ends a request's use of the session: saves what it changed (nothing for an unchanged session, at
   * most a throttled metadata touch; an insert for a new session that holds something; else one
   * version-checked update), seals the session against later changes, and returns what the response
   * must do with the client's token. Call it before the response is sent; calling it again returns
   * the same action without writing.
   * @throws ConflictError when a parallel save cannot be merged (or `conflict: "error"`).
   * @throws SessionDataError when the data cannot be stored; nothing is written.
   * @throws SessionStoreError when the store fails.
   */
  async commit(session: Session<Data, TUser, TUserId>): Promise<TokenAction> {
    return this.commitWithoutWaiting(session);
  }

  /**
   * {@link commit}, without a promise when there is nothing to wait for: a session whose commit
   * writes nothing (unchanged, or new and empty, and no touch due) is sealed and its token action
   * returned at once; otherwise the promise of the write's action. Lets an adapter send the response
   * of a read-only request without holding it for a promise.
   */
  commitWithoutWaiting(session: Session<Data, TUser, TUserId>): TokenAction | Promise<TokenAction> {
    const state = sessionState(session);
    state.sealed = true;
    if (this.#policy.shouldSave(state, session.readOnly)) return this.#saver.save(state).then(() => this.#policy.tokenAction(state, this.#signer));
    if (!session.readOnly && state.stored && this.#policy.shouldTouch(state.record)) {
      return this.#saver.touch(state).then(() => this.#policy.tokenAction(state, this.#signer));
    }
    return this.#policy.tokenAction(state, this.#signer);
  }

  /**
   * Whether a commit writes the session's content: never for a read-only session; for a new one,
   * once it holds data or a user; for a stored one, when its data, user or token changed.
   */
  shouldSave(session: Session<Data, TUser, TUserId>): boolean {
    return this.#policy.shouldSave(sessionState(session), session.readOnly);
  }

  /** The value a client must send back for this session: `<token>.<signature>`. */
  signedToken(session: Session<Data, TUser, TUserId>): string {
    const state = sessionState(session);
    return this.#signer.sign(state.token, state.channel);
  }

  /**
   * Destroys a session (the object lives on as a new empty session) or, given a stored id, deletes
   * that row. Idempotent.
   */
  async destroy(sessionOrId: Session<Data, TUser, TUserId> | string): Promise<void> {
    if (typeof sessionOrId !== "string") return sessionOrId.destroy();
    await this.#call({ name: "delete", sessionId: sessionOrId }, () => this.store.delete(sessionOrId));
    this.#events.emit("destroyed", { id: sessionOrId, userId: null });
  }

  /** The live (unexpired) sessions of a user, newest first, with their data. */
  async listForUser(userId: TUserId): Promise<SessionRecord<TUserId>[]> {
    const records = await this.#call({ name: "list_by_user" }, () => this.store.listByUser(userId));
    return records.filter((record) => !this.#policy.isExpired(record));
  }

  /**
   * Logs a user out everywhere: deletes all their sessions, except `except` (a session or stored id,
   * typically the current one). Returns how many were deleted.
   */
  async revokeForUser(userId: TUserId, options: { except?: Session<Data, TUser, TUserId> | string } = {}): Promise<number> {
    const except = typeof options.except === "object" ? sessionState(options.except).storedId : options.except;
    const count = await this.#call({ name: "delete_by_user" }, () => this.store.deleteByUser(userId, except));
    this.#events.emit("revoked", { userId, count, exceptId: except ?? null });
    return count;
  }

  /**
   * Deletes expired sessions in batches of `pruneBatchSize` and returns how many, resting
   * `prunePauseRatio` times each batch's duration after it (`batchSize` and `pauseRatio` override
   * them for this call). Safe to run from cron on several hosts at once. `onProgress` receives the
   * running total after each batch.
   * @throws SessionConfigError for a `pauseRatio` that is not a number from 0 to 100.
   */
  async prune(options: { batchSize?: number; pauseRatio?: number; onProgress?: (deleted: number) => void } = {}): Promise<number> {
    const batchSize = options.batchSize ?? this.options.pruneBatchSize;
    const pauseRatio = options.pauseRatio === undefined ? this.options.prunePauseRatio : checkedPauseRatio(options.pauseRatio, "pauseRatio");
    const now = new Date(this.#policy.now());
    let total = 0;
    for (;;) {
      const started = performance.now();
      const deleted = await this.#call({ name: "prune", batchSize }, () => this.store.deleteExpired(now, batchSize));
      total += deleted;
      options.onProgress?.(total);
      // Not `deleted < batchSize`: a prune on another host may have taken part of this batch.
      if (deleted === 0) return total;
      const pause = pauseRatio * (performance.now() - started);
      if (pause > 0) await sleep(pause);
    }
  }

  /** Every stored session's metadata (and data with `includeData`), fetched in batches. For admin tools. */
  iterate(options: IterateOptions<TUserId> & { includeData: true }): AsyncIterable<SessionRecord<TUserId>>;
  iterate(options?: IterateOptions<TUserId> & { includeData?: false }): AsyncIterable<SessionMetadata<TUserId>>;
  async *iterate(options: IterateOptions<TUserId> & { includeData?: boolean } = {}): AsyncIterable<SessionMetadata<TUserId>> {
    const { includeData, ...storeOptions } = options;
    const iterator = this.store.iterate(storeOptions)[Symbol.asyncIterator]();
    try {
      for (;;) {
        // Not traced: most steps are served from the batch the store already fetched.
        const next = await callStore(() => iterator.next(), this.options.storeTimeout);
        if (next.done) return;
        if (includeData) yield next.value;
        else {
          const { data: _data, ...metadata } = next.value;
          yield metadata;
        }
      }
    } finally {
      // A caller that stops early (break, throw) lets the store's iteration end too.
      await iterator.return?.();
    }
  }

  /** Whether an unchanged session is due a metadata touch: throttled, and pointless once the idle expiry would pass the absolute one. */
  shouldTouch(record: SessionRecord<TUserId>): boolean {
    return this.#policy.shouldTouch(record);
  }

  /** What `JSON.stringify(manager)` shows: the options (the secrets are never among them). */
  toJSON(): Record<string, unknown> {
    const { clock: _clock, ...options } = this.options;
    return { store: this.store.constructor.name, options };
  }

  /** What `util.inspect` and `console.log` show: the same as {@link toJSON}. */
  [inspect.custom](): string {
    return `${this.constructor.name} ${inspect(this.toJSON())}`;
  }

  /** {@link load} of a single value, the usual case, without the arrays several values need. */
  async #loadOne(signedToken: string, options: LoadOptions): Promise<Session<Data, TUser, TUserId>> {
    const token = this.#signer.verify(signedToken, options.channel);
    if (token === null) return this.#fresh(options, true);
    const stored = await this.#loadStored(token, options);
    return typeof stored === "string" ? this.#fresh(options, stored === "expired") : stored;
  }

  /** The live session stored under `token`, else whether there is none or it expired (an expired row is deleted unless read-only). */
  async #loadStored(token: string, options: LoadOptions): Promise<Session<Data, TUser, TUserId> | "missing" | "expired"> {
    const id = sessionIdOf(token);
    const loaded = await this.#call({ name: "load", sessionId: id }, () => this.store.load(id, { withUser: this.options.preloadUser }));
    if (loaded === null) return "missing";
    const { record } = loaded;
    if (this.#policy.isExpired(record)) {
      if (!options.readOnly) {
        await this.#call({ name: "delete", sessionId: id }, () => this.store.delete(id));
        this.#events.emit("expired", { id, userId: record.userId });
      }
      return "expired";
    }
    return this.#wrap(this.#policy.storedState(token, record), options, loaded.user);
  }

  /** A new session for a request whose token led nowhere; `clearToken` tells the client to drop it. */
  #fresh(options: LoadOptions, clearToken: boolean): Session<Data, TUser, TUserId> {
    const state = this.#policy.newState(options);
    state.tokenCleared = clearToken;
    return this.#wrap(state, options);
  }

  #wrap(state: SessionState<TUserId>, options: LoadOptions, user?: TUser | null): Session<Data, TUser, TUserId> {
    state.channel = options.channel;
    return new Session<Data, TUser, TUserId>(state, this.#context, { readOnly: options.readOnly ?? false, user });
  }

  async #destroyState(state: SessionState<TUserId>): Promise<void> {
    if (state.stored) {
      const { storedId, userId } = state;
      await this.#call({ name: "delete", sessionId: storedId }, () => this.store.delete(storedId));
      this.#events.emit("destroyed", { id: storedId, userId });
    }
    this.#policy.renew(state, true);
  }
}
