import { EventEmitter } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { ConflictError, SessionError, toStoreError } from "./errors.js";
import { KeyedBatchQueue, type BatchMemo } from "./keyed-batch-queue.js";
import { expressSessionStore, type ExpressSessionModule, type ExpressSessionStoreMethods } from "./compat/express-session-store.js";
import type { ExpressSessionStoreOptions } from "./compat/express-session-store-options.js";
import { resolveOptions, type ResolvedOptions, type SessionManagerOptions } from "./session-manager-options.js";
import { Session, sessionState, type SessionContext, type SessionData } from "./session.js";
import { SessionState } from "./session-state.js";
import { sessionMiddleware, type ExpressSessionOptions, type SessionMiddleware } from "./express/session-middleware.js";
import type { SessionEvents } from "./session-events.js";
import { isExpired, type IterateOptions, type SessionMetadata, type SessionRecord, type SessionStore, type UserId } from "./session-store.js";
import { PrismaStore, type PrismaClientLike, type PrismaStoreOptions, type PrismaUser, type PrismaUserId } from "./stores/prisma-store.js";
import {
  TypeORMStore,
  type TypeORMDataSourceLike,
  type TypeORMEntityTarget,
  type TypeORMStoreOptions,
  type TypeORMUser,
  type TypeORMUserId,
} from "./stores/typeorm-store.js";
import { generateToken, sessionIdOf, TokenSigner } from "./token.js";

/** Options of {@link SessionManager.load} and {@link SessionManager.create}. */
export interface LoadOptions {
  /** Load the session read-only: it can be read but never changes or touches the store. */
  readOnly?: boolean;
  /** Client address, recorded when a session is created (if `recordClientInfo`). */
  ipAddress?: string | null;
  /** Client User-Agent, recorded when a session is created (if `recordClientInfo`). */
  userAgent?: string | null;
}

/** Options of {@link SessionManager.fromPrisma}. */
export type FromPrismaOptions<C, M extends string> = SessionManagerOptions & PrismaStoreOptions<C, M>;

const MAX_USER_AGENT_LENGTH = 512;
const MAX_IP_ADDRESS_LENGTH = 45;

/**
 * Holds all session policy (tokens, expiry, touch throttling, rotation, conflict handling) over a
 * {@link SessionStore} that only persists rows.
 *
 * @example
 * ```ts
 * const sessions = SessionManager.fromPrisma(prisma, { secret: process.env.SESSION_SECRET! });
 * app.use(sessions.express());
 * ```
 */
export class SessionManager<Data extends object = SessionData, TUser = unknown, TUserId extends UserId = UserId> {
  /** The store this manager persists to. */
  readonly store: SessionStore<TUserId, TUser>;
  /** Options with defaults applied (durations in milliseconds). */
  readonly options: Readonly<ResolvedOptions>;
  readonly #signer: TokenSigner;
  readonly #events = new EventEmitter();
  readonly #context: SessionContext<TUser, TUserId>;
  /** Saves of one session in this process are queued and combined, so they do not fight over the row. */
  readonly #saves = new KeyedBatchQueue<SessionState<TUserId>, SessionRecord<TUserId>>((states, memo) =>
    this.#saveBatch(states, memo),
  );

  /**
   * @param store where sessions are persisted (a {@link PrismaStore}, `TypeORMStore`, {@link MemoryStore}, or your own).
   * @throws SessionConfigError when an option is invalid.
   */
  constructor(store: SessionStore<TUserId, TUser>, options: SessionManagerOptions) {
    this.store = store;
    const { secrets, ...resolved } = resolveOptions(options);
    this.options = resolved;
    this.#signer = new TokenSigner(secrets);
    this.#context = {
      loadUser: (userId) => this.#call(() => this.store.loadUser(userId)),
      destroy: (state) => this.#destroyState(state),
      rotate: (state) => this.#rotate(state),
      userLoggedIn: (state, previousUserId) =>
        this.#emit("login", { id: state.id, userId: state.userId as TUserId, previousUserId }),
      userLoggedOut: (state, previousUserId) => this.#emit("logout", { id: state.id, userId: previousUserId }),
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
   * An express-session `Store` on this manager's table, for apps that keep express-session while they
   * migrate: pass the `express-session` module itself (sessionrow never loads it). Uses this
   * manager's store and clock. See the README's "Migrating from express-session".
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
    return expressSessionStore(session, this.store, { clock: this.options.clock, ...options });
  }

  /**
   * Express middleware: `req.session` on every request, saved before the response is sent.
   * @example app.use(sessions.express({ cookie: { hostPrefix: true } }))
   */
  express(options: ExpressSessionOptions = {}): SessionMiddleware {
    return sessionMiddleware(this, options);
  }

  /** Subscribes to an event. */
  on<E extends keyof SessionEvents<TUserId>>(event: E, listener: (payload: SessionEvents<TUserId>[E]) => void): this {
    this.#events.on(event, listener);
    return this;
  }

  /** Removes a listener added with {@link on}. */
  off<E extends keyof SessionEvents<TUserId>>(event: E, listener: (payload: SessionEvents<TUserId>[E]) => void): this {
    this.#events.off(event, listener);
    return this;
  }

  /** A new, empty session. It is stored on commit once it holds data or a user. */
  create(options: LoadOptions = {}): Session<Data, TUser, TUserId> {
    const token = generateToken();
    const id = sessionIdOf(token);
    return this.#wrap(new SessionState<TUserId>(token, id, this.#newRecord(id, options), false, this.options.maxDataBytes), options);
  }

  /**
   * The session of a signed token (as held by the client), or a new empty session when the token is
   * missing, forged, unknown or expired. A token whose signature does not verify costs no query.
   * @throws SessionStoreError when the store fails.
   */
  async load(signedToken: string | null | undefined, options: LoadOptions = {}): Promise<Session<Data, TUser, TUserId>> {
    const token = typeof signedToken === "string" ? this.#signer.verify(signedToken) : null;
    if (token === null) return this.#fresh(options, Boolean(signedToken));
    const id = sessionIdOf(token);
    const loaded = await this.#call(() => this.store.load(id, { withUser: this.options.preloadUser }));
    // A verified token without a row is left alone: a parallel login may have just rotated it, and
    // clearing it here could delete the new cookie in the browser.
    if (loaded === null) return this.#fresh(options, false);
    const { record } = loaded;
    if (this.#isExpired(record)) {
      if (!options.readOnly) {
        await this.#call(() => this.store.delete(id));
        this.#emit("expired", { id, userId: record.userId });
      }
      return this.#fresh(options, true);
    }
    const state = new SessionState<TUserId>(token, id, record, true, this.options.maxDataBytes);
    return this.#wrap(state, options, loaded.user);
  }

  /**
   * Saves what the request changed: nothing for an unchanged session (at most a throttled metadata
   * touch), an insert for a new session that holds something, else one version-checked update.
   * @throws ConflictError when a parallel save cannot be merged (or `conflict: "error"`).
   * @throws SessionDataError when the data cannot be stored; nothing is written.
   * @throws SessionStoreError when the store fails.
   */
  async commit(session: Session<Data, TUser, TUserId>): Promise<void> {
    const state = sessionState(session);
    state.committing = true;
    try {
      if (!this.shouldSave(session)) {
        if (!session.readOnly && state.stored && this.shouldTouch(state.record)) await this.#touch(state);
      } else if (state.stored) await this.#saves.run(state.storedId, state);
      else await this.#insert(state);
    } finally {
      state.committing = false;
    }
  }

  /**
   * Whether a commit writes the session's content: never for a read-only session; for a new one,
   * once it holds data or a user; for a stored one, when its data, user or token changed.
   */
  shouldSave(session: Session<Data, TUser, TUserId>): boolean {
    if (session.readOnly) return false;
    const state = sessionState(session);
    return state.stored ? state.isDirty() : session.hasInfo();
  }

  /** The value a client must send back for this session: `<token>.<signature>`. */
  signedToken(session: Session<Data, TUser, TUserId>): string {
    return this.#signer.sign(sessionState(session).token);
  }

  /**
   * Destroys a session (the object lives on as a new empty session) or, given a stored id, deletes
   * that row. Idempotent.
   */
  async destroy(sessionOrId: Session<Data, TUser, TUserId> | string): Promise<void> {
    if (typeof sessionOrId !== "string") return sessionOrId.destroy();
    await this.#call(() => this.store.delete(sessionOrId));
    this.#emit("destroyed", { id: sessionOrId, userId: null });
  }

  /** The live (unexpired) sessions of a user, newest first, with their data. */
  async listForUser(userId: TUserId): Promise<SessionRecord<TUserId>[]> {
    const records = await this.#call(() => this.store.listByUser(userId));
    return records.filter((record) => !this.#isExpired(record));
  }

  /**
   * Logs a user out everywhere: deletes all their sessions, except `except` (a session or stored id,
   * typically the current one). Returns how many were deleted.
   */
  async revokeForUser(userId: TUserId, options: { except?: Session<Data, TUser, TUserId> | string } = {}): Promise<number> {
    const except = typeof options.except === "object" ? sessionState(options.except).storedId : options.except;
    const count = await this.#call(() => this.store.deleteByUser(userId, except));
    this.#emit("revoked", { userId, count, exceptId: except ?? null });
    return count;
  }

  /**
   * Deletes expired sessions in batches of `pruneBatchSize` and returns how many. Safe to run from
   * cron on several hosts at once. `onProgress` receives the running total after each batch.
   */
  async prune(options: { batchSize?: number; onProgress?: (deleted: number) => void } = {}): Promise<number> {
    const batchSize = options.batchSize ?? this.options.pruneBatchSize;
    const now = new Date(this.options.clock.now());
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
    const now = this.options.clock.now();
    return now - record.lastSeenAt.getTime() >= this.options.touchAfter && record.expiresAt < record.absoluteExpiresAt;
  }

  #isExpired(record: SessionRecord<TUserId>): boolean {
    return isExpired(record, this.options.clock.now());
  }

  #idleExpiry(now: number, absoluteExpiresAt: Date): Date {
    return new Date(Math.min(now + this.options.idleTimeout, absoluteExpiresAt.getTime()));
  }

  #newRecord(id: string, options: LoadOptions): SessionRecord<TUserId> {
    const now = this.options.clock.now();
    const absoluteExpiresAt = new Date(now + this.options.absoluteTimeout);
    const record = this.options.recordClientInfo;
    return {
      id,
      userId: null,
      data: {},
      version: 0,
      createdAt: new Date(now),
      updatedAt: new Date(now),
      lastSeenAt: new Date(now),
      expiresAt: this.#idleExpiry(now, absoluteExpiresAt),
      absoluteExpiresAt,
      ipAddress: record ? truncate(options.ipAddress, MAX_IP_ADDRESS_LENGTH) : null,
      userAgent: record ? truncate(options.userAgent, MAX_USER_AGENT_LENGTH) : null,
    };
  }

  /** A new session for a request whose token led nowhere; `clearToken` tells the client to drop it. */
  #fresh(options: LoadOptions, clearToken: boolean): Session<Data, TUser, TUserId> {
    const session = this.create(options);
    sessionState(session).tokenCleared = clearToken;
    return session;
  }

  #wrap(state: SessionState<TUserId>, options: LoadOptions, user?: TUser | null): Session<Data, TUser, TUserId> {
    return new Session<Data, TUser, TUserId>(state, this.#context, {
      ...(options.readOnly === undefined ? {} : { readOnly: options.readOnly }),
      ...(user === undefined ? {} : { user }),
    });
  }

  #rotate(state: SessionState<TUserId>): void {
    const token = generateToken();
    state.token = token;
    state.id = sessionIdOf(token);
    if (!state.stored) state.record = { ...state.record, id: state.id };
  }

  async #insert(state: SessionState<TUserId>): Promise<void> {
    const data = state.toStorable(state.changedKeys());
    const now = this.options.clock.now();
    const record: SessionRecord<TUserId> = {
      ...state.record,
      id: state.id,
      userId: state.userId,
      data,
      updatedAt: new Date(now),
      lastSeenAt: new Date(now),
      expiresAt: this.#idleExpiry(now, state.record.absoluteExpiresAt),
    };
    await this.#call(() => this.store.insert(record));
    state.saved(record);
    state.tokenIssued = true;
    this.#emit("created", { id: record.id, userId: record.userId });
  }

  /**
   * Saves the changed sessions that were queued for one row while the previous save of that row ran:
   * plain data changes are combined into one write; rotations, and every save under
   * `conflict: "error"`, are written one by one. Returns one outcome per session (an error or
   * `undefined`).
   */
  async #saveBatch(states: SessionState<TUserId>[], memo: BatchMemo<SessionRecord<TUserId>>): Promise<unknown[]> {
    const outcomes: unknown[] = [];
    for (let index = 0; index < states.length; ) {
      let size = 1;
      if (this.options.conflict === "merge" && !states[index]!.rotated) {
        while (index + size < states.length && !states[index + size]!.rotated) size++;
      }
      const group = states.slice(index, index + size);
      outcomes.push(...(await this.#saveGroupIsolatingBadData(group, memo)));
      index += size;
    }
    return outcomes;
  }

  /** Writes a group; a session whose changes cannot be applied fails alone, the others are written. */
  async #saveGroupIsolatingBadData(group: SessionState<TUserId>[], memo: BatchMemo<SessionRecord<TUserId>>): Promise<unknown[]> {
    const failures = new Map<SessionState<TUserId>, unknown>();
    try {
      await this.#writeGroup(group, memo, failures);
    } catch (error) {
      for (const state of group) if (!failures.has(state)) failures.set(state, error);
    }
    return group.map((state) => failures.get(state));
  }

  /**
   * Writes the changes of several requests on one session as one version-checked update: each
   * request's changes are replayed, in order, on the freshest known row. A request whose changes
   * cannot be replayed (invalid data, a throwing updater, a conflict under `conflict: "error"`) is
   * put in `failures` and left out. On a conflict with another process, re-reads the row and replays
   * again (retried at once, then with jittered backoff).
   */
  async #writeGroup(
    group: SessionState<TUserId>[],
    memo: BatchMemo<SessionRecord<TUserId>>,
    failures: Map<SessionState<TUserId>, unknown>,
  ): Promise<void> {
    const storedId = group[0]!.storedId;
    let base = freshest([...group.map((state) => state.record), memo.latest]);
    for (let attempt = 1; ; attempt++) {
      const pending = group.filter((state) => !failures.has(state));
      if (pending.length === 0) return;
      if (base.id !== storedId) return this.#gone(pending, attempt);
      let current = base;
      const applied: SessionState<TUserId>[] = [];
      for (const state of pending) {
        try {
          if (applied.length > 0 || state.record.version !== base.version) this.#rebase(state, current, attempt - 1);
          current = { ...current, userId: state.userId, data: state.toStorable(state.changedKeys()) };
          applied.push(state);
        } catch (error) {
          failures.set(state, error);
        }
      }
      const last = applied[applied.length - 1];
      if (!last) return;
      const now = this.options.clock.now();
      const record: SessionRecord<TUserId> = {
        ...current,
        id: last.id,
        version: base.version + 1,
        updatedAt: new Date(now),
        lastSeenAt: new Date(now),
        expiresAt: this.#idleExpiry(now, base.absoluteExpiresAt),
      };
      if (await this.#call(() => this.store.updateIfVersion(base.id, base.version, record))) {
        memo.latest = record;
        for (const state of applied) {
          if (state.rotated) state.tokenIssued = true;
          state.adopt(record);
        }
        return;
      }
      const fresh = await this.#call(() => this.store.load(base.id));
      if (fresh === null || this.#isExpired(fresh.record)) return this.#gone(applied, attempt);
      if (attempt >= this.options.maxSaveAttempts) {
        this.#emit("conflict", { id: base.id, attempt, resolution: "error" });
        throw new ConflictError(`Session ${base.id} kept changing under parallel requests; gave up after ${attempt} attempts`);
      }
      base = fresh.record;
      memo.latest = base;
      // Retry at once while the fresh version is fresh; after repeated collisions, jittered backoff
      // so that writers in other processes stop colliding in lockstep.
      if (attempt > 2) await sleep(Math.random() * Math.min(50, 2 ** attempt));
    }
  }

  /** Re-applies this request's changes on a record another request saved, or throws under `conflict: "error"`. */
  #rebase(state: SessionState<TUserId>, fresh: SessionRecord<TUserId>, attempt: number): void {
    if (this.options.conflict === "error") {
      this.#emit("conflict", { id: fresh.id, attempt, resolution: "error" });
      throw new ConflictError(`Session ${fresh.id} was changed by a parallel request (conflict: "error")`);
    }
    this.#emit("conflict", { id: fresh.id, attempt, resolution: "merged" });
    try {
      state.rebase(fresh);
    } catch (error) {
      throw error instanceof SessionError
        ? error
        : new ConflictError(`An update() function failed when re-run on session ${fresh.id}`, { cause: error });
    }
  }

  /**
   * The row was deleted (logout, revoke, expiry) or renamed (a parallel login rotated the token) while
   * these requests ran: saving would resurrect it, so their changes are dropped. The client's cookie is
   * left alone, since it may already hold the rotated token.
   */
  #gone(states: SessionState<TUserId>[], attempt: number): void {
    this.#emit("conflict", { id: states[0]!.storedId, attempt, resolution: "gone" });
    for (const state of states) this.#discard(state, false);
  }

  async #touch(state: SessionState<TUserId>): Promise<void> {
    const now = this.options.clock.now();
    const touch = { lastSeenAt: new Date(now), expiresAt: this.#idleExpiry(now, state.record.absoluteExpiresAt) };
    const touched = await this.#call(() => this.store.touch(state.storedId, touch));
    if (touched) state.record = { ...state.record, ...touch };
    else this.#discard(state, false);
  }

  async #destroyState(state: SessionState<TUserId>): Promise<void> {
    if (state.stored) {
      const { storedId, userId } = state;
      await this.#call(() => this.store.delete(storedId));
      this.#emit("destroyed", { id: storedId, userId });
    }
    this.#discard(state, true);
  }

  /** Turns a state whose row is gone into a new empty session; `clearToken` tells the client to drop its token. */
  #discard(state: SessionState<TUserId>, clearToken: boolean): void {
    const token = generateToken();
    const id = sessionIdOf(token);
    state.reset(token, id, this.#newRecord(id, { ipAddress: state.record.ipAddress, userAgent: state.record.userAgent }));
    state.tokenCleared = clearToken;
  }

  #emit<E extends keyof SessionEvents<TUserId>>(event: E, payload: SessionEvents<TUserId>[E]): void {
    this.#events.emit(event, payload);
  }

  /**
   * Runs a store call within `storeTimeout`, turning any failure that is not already a SessionError
   * into a SessionStoreError.
   */
  async #call<T>(operation: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within storeTimeout (${this.options.storeTimeout} ms)`)),
        this.options.storeTimeout,
      );
    });
    try {
      return await Promise.race([operation(), timeout]);
    } catch (error) {
      throw toStoreError(error);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The record with the highest version (all are versions of one row). */
function freshest<TUserId extends UserId>(records: (SessionRecord<TUserId> | undefined)[]): SessionRecord<TUserId> {
  let best: SessionRecord<TUserId> | undefined;
  // On a tie the first wins: callers list the sessions' own records first.
  for (const record of records) if (record && (!best || record.version > best.version)) best = record;
  return best!;
}

function truncate(value: string | null | undefined, length: number): string | null {
  return typeof value === "string" && value.length > 0 ? value.slice(0, length) : null;
}
