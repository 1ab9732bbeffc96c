import { inspect } from "node:util";
import { expressSessionStore, type ExpressSessionModule, type ExpressSessionStoreMethods } from "./compat/express-session-store.js";
import type { ExpressSessionStoreOptions } from "./compat/express-session-store-options.js";
import { sessionMiddleware, type ExpressSessionOptions, type SessionMiddleware } from "./express/session-middleware.js";
import type { LoadOptions } from "./load-options.js";
import { Session, sessionState, type SessionContext, type SessionData } from "./session.js";
import { SessionEventDispatcher } from "./session-event-dispatcher.js";
import type { SessionEvents } from "./session-events.js";
import type { SessionLifecycle } from "./session-lifecycle.js";
import { resolveOptions, type ResolvedOptions, type SessionManagerOptions } from "./session-manager-options.js";
import { SessionPolicy } from "./session-policy.js";
import { SessionSaver, type StoreCaller } from "./session-saver.js";
import type { SessionState } from "./session-state.js";
import type { IterateOptions, SessionMetadata, SessionRecord, SessionStore, UserId } from "./session-store.js";
import { callStore } from "./store-call.js";
import { PrismaStore, type PrismaClientLike, type PrismaStoreOptions, type PrismaUser, type PrismaUserId } from "./stores/prisma-store.js";
import {
  TypeORMStore,
  type TypeORMDataSourceLike,
  type TypeORMEntityTarget,
  type TypeORMStoreOptions,
  type TypeORMUser,
  type TypeORMUserId,
} from "./stores/typeorm-store.js";
import type { TokenAction } from "./token-action.js";
import { sessionIdOf, TokenSigner } from "./token.js";

export type { LoadOptions };

const CSRF_PURPOSE = "csrf";

/** Options of {@link SessionManager.fromPrisma}. */
export type FromPrismaOptions<C, M extends string> = SessionManagerOptions & PrismaStoreOptions<C, M>;

/**
 * The façade over sessionrow's core: the request lifecycle ({@link load}, {@link commit}) that every
 * framework adapter uses, and the admin verbs (revoke, prune, iterate). All session policy (tokens,
 * expiry, touch throttling, rotation, conflict handling) is the manager's; its {@link SessionStore}
 * only persists rows.
 *
 * @example
 * ```ts
 * const sessions = SessionManager.fromPrisma(prisma, { secret: process.env.SESSION_SECRET! });
 * app.use(sessions.express());
 * ```
 */
export class SessionManager<Data extends object = SessionData, TUser = unknown, TUserId extends UserId = UserId>
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
   * @param store where sessions are persisted (a {@link PrismaStore}, `TypeORMStore`, {@link MemoryStore}, or your own).
   * @throws SessionConfigError when an option is invalid.
   */
  constructor(store: SessionStore<TUserId, TUser>, options: SessionManagerOptions) {
    this.store = store;
    const { secrets, ...resolved } = resolveOptions(options);
    this.options = resolved;
    this.#signer = new TokenSigner(secrets);
    this.#policy = new SessionPolicy<TUserId>(resolved);
    this.#call = (operation) => callStore(operation, resolved.storeTimeout);
    this.#saver = new SessionSaver<TUserId>(store, this.#policy, this.#call, this.#events, resolved);
    this.#context = {
      loadUser: (userId) => this.#call(() => this.store.loadUser(userId)),
      destroy: (state) => this.#destroyState(state),
      rotate: (state) => this.#policy.rotate(state),
      csrfToken: (state) => this.#signer.derive(CSRF_PURPOSE, state.id),
      verifyCsrfToken: (state, value) => this.#signer.verifyDerived(CSRF_PURPOSE, state.id, value),
    };
  }

  /**
   * A manager storing sessions with the app's generated Prisma client. `user()` returns the client's
   * generated `User` type.
   *
   * @example
   * ```ts
   * const sessions = SessionManager.fromPrisma(prisma, { secret: process.env.SESSION_SECRET! });
   * // typed data: SessionManager.fromPrisma<{ views: number }, typeof prisma>(prisma, {...})
   * ```
   */
  static fromPrisma<Data extends object = SessionData, C extends PrismaClientLike = PrismaClientLike, M extends string = "user">(
    client: C,
    options: FromPrismaOptions<C, M>,
  ): SessionManager<Data, PrismaUser<C, M>, PrismaUserId<C, M>> {
    return new SessionManager<Data, PrismaUser<C, M>, PrismaUserId<C, M>>(
      new PrismaStore<PrismaUserId<C, M>, PrismaUser<C, M>>(client, options),
      options,
    );
  }

  /**
   * A manager storing sessions with TypeORM, through the app's DataSource (PostgreSQL or
   * MySQL/MariaDB) and the entity made by `createSessionEntity` (from "sessionrow/typeorm").
   * `user()` returns the `userEntity` class's type.
   *
   * @example
   * ```ts
   * const sessions = SessionManager.fromTypeORM(dataSource, { userEntity: User, secret: process.env.SESSION_SECRET! });
   * const user = await session.user(); // User | null
   * ```
   */
  static fromTypeORM<Data extends object = SessionData, U extends TypeORMEntityTarget | undefined = undefined>(
    dataSource: TypeORMDataSourceLike,
    options: SessionManagerOptions & TypeORMStoreOptions<U>,
  ): SessionManager<Data, TypeORMUser<U>, TypeORMUserId<U>> {
    return new SessionManager<Data, TypeORMUser<U>, TypeORMUserId<U>>(
      new TypeORMStore<TypeORMUserId<U>, TypeORMUser<U>>(dataSource, options),
      options,
    );
  }

  /**
   * This manager, typed with session data `D`: a way to type the data of a manager made by
   * {@link fromPrisma} or {@link fromTypeORM} without repeating the client's type.
   *
   * @example
   * ```ts
   * const sessions = SessionManager.fromPrisma(prisma, { secret }).withData<{ views: number; cart: string[] }>();
   * ```
   */
  withData<D extends object>(): SessionManager<D, TUser, TUserId> {
    return this as unknown as SessionManager<D, TUser, TUserId>;
  }

  /**
   * An express-session `Store` on this manager's table and policy (expiry, touch throttling, store
   * timeout, data size limit, events), for apps that keep express-session while they migrate: pass
   * the `express-session` module itself (sessionrow never loads it). See the README's "Migrating
   * from express-session".
   *
   * @example
   * ```ts
   * import session from "express-session";
   * app.use(session({ store: sessions.expressSessionStore(session), secret, resave: false, saveUninitialized: false }));
   * ```
   */
  expressSessionStore<M extends ExpressSessionModule>(
    session: M,
    options: ExpressSessionStoreOptions = {},
  ): InstanceType<M["Store"]> & ExpressSessionStoreMethods {
    return expressSessionStore(session, this, options);
  }

  /**
   * Express middleware: `req.session` on every request, saved before the response is sent.
   * @example app.use(sessions.express({ cookie: { hostPrefix: true } }))
   */
  express(options: ExpressSessionOptions = {}): SessionMiddleware {
    return sessionMiddleware(this, options);
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
   * Given several values (a cookie name sent more than once), the first that verifies is used.
   * @throws SessionStoreError when the store fails.
   */
  async load(signedToken: string | readonly string[] | null | undefined, options: LoadOptions = {}): Promise<Session<Data, TUser, TUserId>> {
    const presented = typeof signedToken === "string" ? [signedToken] : (signedToken ?? []);
    let token: string | null = null;
    for (const candidate of presented) if ((token = this.#signer.verify(candidate, options.channel)) !== null) break;
    // With several values (a sibling subdomain can add a cookie of the same name), the ones that do
    // not verify are someone else's: clearing "the" cookie could delete the real one.
    const clearable = presented.length === 1;
    if (token === null) return this.#fresh(options, clearable);
    const stored = await this.#loadStored(token, options);
    // A verified token without a row is left alone: a parallel login may have just rotated it, and
    // clearing it here could delete the new cookie in the browser.
    return typeof stored === "string" ? this.#fresh(options, stored === "expired" && clearable) : stored;
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
    const state = sessionState(session);
    state.sealed = true;
    if (this.#policy.shouldSave(state, session.readOnly)) await this.#saver.save(state);
    else if (!session.readOnly && state.stored && this.#policy.shouldTouch(state.record)) await this.#saver.touch(state);
    return this.#policy.tokenAction(state, (token) => this.#signer.sign(token, state.channel));
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
    await this.#call(() => this.store.delete(sessionOrId));
    this.#events.emit("destroyed", { id: sessionOrId, userId: null });
  }

  /** The live (unexpired) sessions of a user, newest first, with their data. */
  async listForUser(userId: TUserId): Promise<SessionRecord<TUserId>[]> {
    const records = await this.#call(() => this.store.listByUser(userId));
    return records.filter((record) => !this.#policy.isExpired(record));
  }

  /**
   * Logs a user out everywhere: deletes all their sessions, except `except` (a session or stored id,
   * typically the current one). Returns how many were deleted.
   */
  async revokeForUser(userId: TUserId, options: { except?: Session<Data, TUser, TUserId> | string } = {}): Promise<number> {
    const except = typeof options.except === "object" ? sessionState(options.except).storedId : options.except;
    const count = await this.#call(() => this.store.deleteByUser(userId, except));
    this.#events.emit("revoked", { userId, count, exceptId: except ?? null });
    return count;
  }

  /**
   * Deletes expired sessions in batches of `pruneBatchSize` and returns how many. Safe to run from
   * cron on several hosts at once. `onProgress` receives the running total after each batch.
   */
  async prune(options: { batchSize?: number; onProgress?: (deleted: number) => void } = {}): Promise<number> {
    const batchSize = options.batchSize ?? this.options.pruneBatchSize;
    const now = new Date(this.#policy.now());
    let total = 0;
    for (;;) {
      const deleted = await this.#call(() => this.store.deleteExpired(now, batchSize));
      total += deleted;
      options.onProgress?.(total);
      // Not `deleted < batchSize`: a prune on another host may have taken part of this batch.
      if (deleted === 0) return total;
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
        const next = await this.#call(() => iterator.next());
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
    return `SessionManager ${inspect(this.toJSON())}`;
  }

  /** The live session stored under `token`, else whether there is none or it expired (an expired row is deleted unless read-only). */
  async #loadStored(token: string, options: LoadOptions): Promise<Session<Data, TUser, TUserId> | "missing" | "expired"> {
    const id = sessionIdOf(token);
    const loaded = await this.#call(() => this.store.load(id, { withUser: this.options.preloadUser }));
    if (loaded === null) return "missing";
    const { record } = loaded;
    if (this.#policy.isExpired(record)) {
      if (!options.readOnly) {
        await this.#call(() => this.store.delete(id));
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
    return new Session<Data, TUser, TUserId>(state, this.#context, {
      ...(options.readOnly === undefined ? {} : { readOnly: options.readOnly }),
      ...(user === undefined ? {} : { user }),
    });
  }

  async #destroyState(state: SessionState<TUserId>): Promise<void> {
    if (state.stored) {
      const { storedId, userId } = state;
      await this.#call(() => this.store.delete(storedId));
      this.#events.emit("destroyed", { id: storedId, userId });
    }
    this.#policy.renew(state, true);
  }
}
