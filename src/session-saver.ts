import { setTimeout as sleep } from "node:timers/promises";
import { ConflictError, SessionError, SessionStoreError } from "./errors.js";
import { KeyedBatchQueue, type BatchMemo } from "./keyed-batch-queue.js";
import type { SessionEventDispatcher } from "./session-event-dispatcher.js";
import type { ResolvedOptions } from "./session-manager-options.js";
import type { SessionPolicy } from "./session-policy.js";
import type { SessionState } from "./session-state.js";
import { combineDataChanges } from "./session-changes.js";
import type { SessionDataChanges, SessionMerge, SessionRecord, SessionStore, UserId } from "./session-store.js";
import { StoreTimeoutError } from "./store-call.js";
import type { StoreOperation } from "./telemetry/store-operation.js";

/** Runs one store call (with the manager's timeout, error wrapping and telemetry), described by `operation`. */
export type StoreCaller = <T>(operation: StoreOperation, run: () => Promise<T>) => Promise<T>;

/** Told how many writes (version-checked, merged or locked) each saved commit took. */
export interface SaveObserver {
  saved(attempts: number): void;
}

/**
 * The save engine: writes what a request changed, without losing what parallel requests changed.
 * Saves of one session in this process are queued and combined into one version-checked write (so
 * they never fight over the row). Changes that do not depend on what the row holds (counters, keys
 * set outright) can be merged into the row in one statement where the store can: counters at once, the
 * rest after a conflict with another process. Otherwise a conflict is merged key by key and written
 * under a row lock where the store can lock rows, else retried with backoff. Events fire only after
 * the write they report succeeded.
 */
export class SessionSaver<TUserId extends UserId> {
  /** Whether the store may lock rows: it has `updateLocked`, and has not answered that it cannot. */
  #locksRows: boolean;
  /** Whether the store may merge changes into a row: it has `mergeUpdate`, and has not answered that it cannot. */
  #mergesData: boolean;
  readonly #saves = new KeyedBatchQueue<SessionState<TUserId>, SessionRecord<TUserId>>((states, memo) =>
    this.#saveBatch(states, memo),
  );

  constructor(
    private readonly store: SessionStore<TUserId, unknown>,
    private readonly policy: SessionPolicy<TUserId>,
    private readonly call: StoreCaller,
    private readonly events: SessionEventDispatcher<TUserId>,
    private readonly options: Pick<ResolvedOptions, "conflict" | "maxSaveAttempts">,
    private readonly observer?: SaveObserver,
  ) {
    this.#locksRows = store.updateLocked !== undefined;
    this.#mergesData = store.mergeUpdate !== undefined;
  }

  /** Writes a changed session: an insert for a new one, else a version-checked update (merged on conflict). */
  async save(state: SessionState<TUserId>): Promise<void> {
    if (state.stored) await this.#saves.run(state.storedId, state);
    else await this.#insert(state);
  }

  /** Records a visit of an unchanged session (last seen, idle expiry); a session whose row is gone becomes a new one. */
  async touch(state: SessionState<TUserId>): Promise<void> {
    const touch = this.policy.visit(state.record);
    const touched = await this.call({ name: "touch", sessionId: state.storedId }, () => this.store.touch(state.storedId, touch));
    if (touched) state.record = { ...state.record, ...touch };
    else this.policy.renew(state, false);
  }

  async #insert(state: SessionState<TUserId>): Promise<void> {
    const data = state.toStorable(state.changedKeys());
    const record: SessionRecord<TUserId> = {
      ...state.record,
      ...this.policy.visit(state.record),
      id: state.id,
      userId: state.userId,
      data,
      updatedAt: new Date(this.policy.now()),
    };
    await this.call({ name: "insert", sessionId: record.id }, () => this.store.insert(record));
    this.observer?.saved(1);
    state.saved(record);
    state.tokenIssued = true;
    this.events.emit("created", { id: record.id, userId: record.userId });
    this.#reportEvents(state);
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
   * put in `failures` and left out. On a conflict with another process, a store that can lock the
   * row replays once more under the lock (a write that cannot lose again); any other store re-reads
   * the row and replays again (retried at once, then with jittered backoff).
   */
  async #writeGroup(
    group: SessionState<TUserId>[],
    memo: BatchMemo<SessionRecord<TUserId>>,
    failures: Map<SessionState<TUserId>, unknown>,
  ): Promise<void> {
    const storedId = group[0]!.storedId;
    let base = freshest([...group.map((state) => state.record), memo.latest]);
    /** Whether a merged write may still be tried: once is enough, written or not. */
    let mergeable = true;
    for (let attempt = 1; ; attempt++) {
      const pending = pendingOf(group, failures);
      if (pending.length === 0) return;
      if (base.id !== storedId) return this.#gone(pending, attempt);
      // Counters are added in the database at once: a version check could only lose to another process.
      if (attempt === 1 && pending.some((state) => state.changes.hasAdditions())) {
        mergeable = false;
        const counters = this.#mergeOf(group, base, failures);
        if (counters !== null && (await this.#writeMerged(counters, base, memo, attempt))) return;
      }
      const replay = this.#replay(pendingOf(group, failures), base, attempt, failures);
      if (replay === null) return;
      if (await this.call({ name: "update", sessionId: base.id }, () => this.store.updateIfVersion(base.id, base.version, replay.record))) {
        return this.#written(replay, attempt, memo);
      }
      // A merged or locked write after a conflict is one more attempt: never beyond maxSaveAttempts.
      const retryable = this.options.conflict === "merge" && attempt < this.options.maxSaveAttempts;
      if (retryable && mergeable) {
        mergeable = false;
        const merge = this.#mergeOf(group, base, failures);
        if (merge !== null && (await this.#writeMerged(merge, base, memo, attempt + 1))) return;
      }
      if (retryable && this.#locksRows && (await this.#writeLocked(group, memo, failures, attempt + 1))) return;
      const fresh = await this.call({ name: "load", sessionId: base.id }, () => this.store.load(base.id));
      if (fresh === null || this.policy.isExpired(fresh.record)) return this.#gone(replay.applied, attempt);
      if (attempt >= this.options.maxSaveAttempts) {
        this.events.emit("conflict", { id: base.id, attempt, resolution: "error" });
        throw new ConflictError(`Session ${base.id} kept changing under parallel requests; gave up after ${attempt} attempts`);
      }
      base = fresh.record;
      memo.latest = base;
      // Retry at once while the fresh version is fresh; after repeated collisions, jittered backoff
      // so that writers in other processes stop colliding in lockstep.
      if (attempt > 2) await sleep(Math.random() * Math.min(50, 2 ** attempt));
    }
  }

  /**
   * The group's changes as one merged update (see {@link SessionStore.mergeUpdate}), where the store
   * can and every pending request's changes allow it: keys set or deleted outright and numbers added,
   * no updater, no user change or rotation; else `null` (also when a request's data cannot be stored
   * as it is: the replay path decides). Synchronous, so that a save that cannot merge waits for nothing more.
   */
  #mergeOf(group: SessionState<TUserId>[], base: SessionRecord<TUserId>, failures: Map<SessionState<TUserId>, unknown>): MergePlan<TUserId> | null {
    if (!this.#mergesData || this.options.conflict !== "merge") return null;
    const applied: SessionState<TUserId>[] = [];
    const list: SessionDataChanges[] = [];
    let changes: SessionDataChanges;
    try {
      for (const state of pendingOf(group, failures)) {
        const stateChanges = state.toDataChanges();
        if (stateChanges === null) return null;
        list.push(stateChanges);
        applied.push(state);
      }
      changes = combineDataChanges(list);
    } catch {
      // Invalid or too large data, or an add to a key an earlier request set to a non-number: the
      // replay judges each request on the data it would write (rebased on the others) and fails it alone.
      return null;
    }
    const merge = { ...changes, ...this.policy.saveVisit(base), updatedAt: new Date(this.policy.now()), maxDataBytes: applied[0]!.maxDataBytes };
    return { merge, applied };
  }

  /** Writes a merged update of {@link #mergeOf}; `false` when the store wrote nothing. */
  async #writeMerged(
    { merge, applied }: MergePlan<TUserId>,
    base: SessionRecord<TUserId>,
    memo: BatchMemo<SessionRecord<TUserId>>,
    attempt: number,
  ): Promise<boolean> {
    const record = await this.call({ name: "merged_update", sessionId: base.id }, () => this.store.mergeUpdate!(base.id, merge));
    if (record === undefined) this.#mergesData = false;
    if (!record) return false;
    const merged = applied.filter((state) => state.record.version !== record.version - 1).length;
    this.#written({ record, applied, merged, baseId: base.id }, attempt, memo);
    return true;
  }

  /**
   * Replays the group on the row as it is under the store's row lock, and writes it in the same
   * transaction. `false` when nothing was written: the store cannot lock rows on its database, or the
   * row is gone or expired.
   */
  async #writeLocked(
    group: SessionState<TUserId>[],
    memo: BatchMemo<SessionRecord<TUserId>>,
    failures: Map<SessionState<TUserId>, unknown>,
    attempt: number,
  ): Promise<boolean> {
    const storedId = group[0]!.storedId;
    const outcome: { replay: Replay<TUserId> | null } = { replay: null };
    let written: boolean | undefined;
    try {
      written = await this.call({ name: "locked_update", sessionId: storedId }, () =>
        this.store.updateLocked!(storedId, (row) => {
          outcome.replay = row === null || this.policy.isExpired(row) ? null : this.#replay(pendingOf(group, failures), row, attempt, failures);
          return outcome.replay?.record ?? null;
        }),
      );
    } catch (error) {
      // The transaction failed (a lock wait past the client's transaction limits, a deadlock): the
      // optimistic retry takes over, unless the store did not answer at all within storeTimeout.
      if (error instanceof SessionStoreError && error.cause instanceof StoreTimeoutError) throw error;
      return false;
    }
    if (written === undefined) this.#locksRows = false;
    // Not written (gone, expired, or a store whose transactions do not isolate): the optimistic path
    // re-reads the row and decides.
    if (!written) return false;
    this.#written(outcome.replay!, attempt, memo);
    return true;
  }

  /**
   * Replays each pending request's changes, in order, on `base`: the record to write and who is in
   * it; `null` when no request's changes could be replayed (each failure is in `failures`).
   */
  #replay(pending: SessionState<TUserId>[], base: SessionRecord<TUserId>, attempt: number, failures: Map<SessionState<TUserId>, unknown>): Replay<TUserId> | null {
    let current = base;
    const applied: SessionState<TUserId>[] = [];
    /** Requests whose changes were replayed on a row a parallel save wrote: reported once written. */
    let merged = 0;
    for (const state of pending) {
      try {
        const stale = state.record.version !== base.version;
        if (applied.length > 0 || stale) this.#rebase(state, current, attempt - 1);
        if (stale) merged++;
        current = { ...current, userId: state.userId, data: state.toStorable(state.changedKeys()) };
        applied.push(state);
      } catch (error) {
        failures.set(state, error);
      }
    }
    const last = applied[applied.length - 1];
    if (!last) return null;
    const record: SessionRecord<TUserId> = {
      ...current,
      ...this.policy.saveVisit(base),
      id: last.id,
      version: base.version + 1,
      updatedAt: new Date(this.policy.now()),
    };
    return { record, applied, merged, baseId: base.id };
  }

  /** Reports a written replay: conflict events, the saved sessions, their logins and logouts. */
  #written(replay: Replay<TUserId>, attempt: number, memo: BatchMemo<SessionRecord<TUserId>>): void {
    for (let count = 0; count < replay.merged; count++) this.events.emit("conflict", { id: replay.baseId, attempt, resolution: "merged" });
    memo.latest = replay.record;
    for (const state of replay.applied) {
      this.observer?.saved(attempt);
      if (state.rotated) state.tokenIssued = true;
      state.adopt(replay.record);
      this.#reportEvents(state);
    }
  }

  /** Re-applies this request's changes on a record another request saved (reported once written), or throws under `conflict: "error"`. */
  #rebase(state: SessionState<TUserId>, fresh: SessionRecord<TUserId>, attempt: number): void {
    if (this.options.conflict === "error") {
      this.events.emit("conflict", { id: fresh.id, attempt, resolution: "error" });
      throw new ConflictError(`Session ${fresh.id} was changed by a parallel request (conflict: "error")`);
    }
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
    this.events.emit("conflict", { id: states[0]!.storedId, attempt, resolution: "gone" });
    for (const state of states) this.policy.renew(state, false);
  }

  /** Reports the logins and logouts a saved session carried. */
  #reportEvents(state: SessionState<TUserId>): void {
    for (const event of state.takeEvents()) {
      if (event.type === "login") this.events.emit("login", { id: state.id, userId: event.userId, previousUserId: event.previousUserId });
      else this.events.emit("logout", { id: state.id, userId: event.userId });
    }
  }
}

/** A group's changes as one merged update, and the requests whose changes are in it. */
interface MergePlan<TUserId extends UserId> {
  merge: SessionMerge;
  applied: SessionState<TUserId>[];
}

/** A group's changes replayed on one version of the row. */
interface Replay<TUserId extends UserId> {
  record: SessionRecord<TUserId>;
  /** The requests whose changes are in `record`. */
  applied: SessionState<TUserId>[];
  /** How many of them were written on a row a parallel save changed. */
  merged: number;
  /** The id of the row replayed on (before a rotation). */
  baseId: string;
}

function pendingOf<TUserId extends UserId>(group: SessionState<TUserId>[], failures: Map<SessionState<TUserId>, unknown>): SessionState<TUserId>[] {
  return group.filter((state) => !failures.has(state));
}

/** The record with the highest version (all are versions of one row). */
function freshest<TUserId extends UserId>(records: (SessionRecord<TUserId> | undefined)[]): SessionRecord<TUserId> {
  let best: SessionRecord<TUserId> | undefined;
  // On a tie the first wins: callers list the sessions' own records first.
  for (const record of records) if (record && (!best || record.version > best.version)) best = record;
  return best!;
}
