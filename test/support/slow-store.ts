import type {
  IterateOptions,
  LoadedSession,
  SessionRecord,
  SessionStore,
  SessionTouch,
  SessionUpdate,
  StoreCapabilities,
  UserId,
} from "../../src/index.js";

/** The store writes a test can slow down or break. */
export type SaveMethod = "insert" | "updateIfVersion";

/** A save held by {@link SlowStore.holdNext}: it has started, and waits for `release()` before reaching the database. */
export interface HeldSave {
  /** Resolves when the store was called. */
  readonly started: Promise<void>;
  /** Lets the call go on to the real store. */
  release(): void;
  /** Resolves once the real store has finished the call. */
  readonly finished: Promise<void>;
}

/**
 * A store that delegates every call to a real one, but whose next `insert` or `updateIfVersion` a
 * test can hold (until it says go) or make fail. Saves are written into `timeline` as
 * `"<method> started"` and `"<method> saved"`, so a test can put them in order with what its client
 * saw. `calls` lists every method called, in order.
 */
export class SlowStore<TUserId extends UserId = UserId, TUser = unknown> implements SessionStore<TUserId, TUser> {
  readonly calls: string[] = [];
  readonly #holds = new Map<SaveMethod, { gate: Promise<void>; started: () => void; finished: () => void }>();
  readonly #failures = new Map<SaveMethod, Error>();

  constructor(
    private readonly inner: SessionStore<TUserId, TUser>,
    readonly timeline: string[] = [],
  ) {}

  get capabilities(): StoreCapabilities {
    return this.inner.capabilities;
  }

  /** Holds the next call of `method` until the test releases it. */
  holdNext(method: SaveMethod): HeldSave {
    let release!: () => void;
    let started!: () => void;
    let finished!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const startedPromise = new Promise<void>((resolve) => (started = resolve));
    const finishedPromise = new Promise<void>((resolve) => (finished = resolve));
    this.#holds.set(method, { gate, started, finished });
    return { started: startedPromise, release, finished: finishedPromise };
  }

  /** Makes the next call of `method` reject with `error`, without reaching the database. */
  failNext(method: SaveMethod, error: Error): void {
    this.#failures.set(method, error);
  }

  load(id: string, options?: { withUser?: boolean }): Promise<LoadedSession<TUserId, TUser> | null> {
    this.calls.push("load");
    return this.inner.load(id, options);
  }

  insert(record: SessionRecord<TUserId>): Promise<void> {
    return this.#save("insert", () => this.inner.insert(record));
  }

  updateIfVersion(id: string, expectedVersion: number, update: SessionUpdate<TUserId>): Promise<boolean> {
    return this.#save("updateIfVersion", () => this.inner.updateIfVersion(id, expectedVersion, update));
  }

  touch(id: string, touch: SessionTouch): Promise<boolean> {
    this.calls.push("touch");
    return this.inner.touch(id, touch);
  }

  delete(id: string): Promise<void> {
    this.calls.push("delete");
    return this.inner.delete(id);
  }

  listByUser(userId: TUserId): Promise<SessionRecord<TUserId>[]> {
    this.calls.push("listByUser");
    return this.inner.listByUser(userId);
  }

  deleteByUser(userId: TUserId, exceptId?: string): Promise<number> {
    this.calls.push("deleteByUser");
    return this.inner.deleteByUser(userId, exceptId);
  }

  deleteExpired(now: Date, limit: number): Promise<number> {
    this.calls.push("deleteExpired");
    return this.inner.deleteExpired(now, limit);
  }

  iterate(options?: IterateOptions<TUserId>): AsyncIterable<SessionRecord<TUserId>> {
    this.calls.push("iterate");
    return this.inner.iterate(options);
  }

  loadUser(userId: TUserId): Promise<TUser | null> {
    this.calls.push("loadUser");
    return this.inner.loadUser(userId);
  }

  async #save<T>(method: SaveMethod, write: () => Promise<T>): Promise<T> {
    this.calls.push(method);
    this.timeline.push(`${method} started`);
    const failure = this.#failures.get(method);
    if (failure) {
      this.#failures.delete(method);
      this.timeline.push(`${method} failed`);
      throw failure;
    }
    const hold = this.#holds.get(method);
    this.#holds.delete(method);
    hold?.started();
    await hold?.gate;
    const result = await write();
    this.timeline.push(`${method} saved`);
    hold?.finished();
    return result;
  }
}
