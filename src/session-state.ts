import { canonicalJson } from "./canonical-json.js";
import { SessionDataError } from "./errors.js";
import { serializeJsonValue } from "./json-value.js";
import { ChangeLog, type KeyChange } from "./session-changes.js";
import { defineKey } from "./define-key.js";
import type { SessionDataChanges, SessionDataRecord, SessionRecord, UserId } from "./session-store.js";

/** A login or logout, reported by the manager once the session is saved. */
export type SessionStateEvent<TUserId extends UserId> =
  | { readonly type: "login"; readonly userId: TUserId; readonly previousUserId: TUserId | null }
  | { readonly type: "logout"; readonly userId: TUserId };

const byteLength = (text: string): number => Buffer.byteLength(text, "utf8");

/**
 * The mutable state behind a {@link Session}: its data, what changed since it was read, and the
 * stored row it came from. The manager reads and resets it at commit; apps never see it.
 */
export class SessionState<TUserId extends UserId = UserId> {
  /** Raw token: held by the client, never stored. */
  token: string;
  /** Hex SHA-256 of `token`. Differs from `storedId` while a rotation is not yet saved. */
  id: string;
  /** The row as last read or written; for a new session, the row it would insert. */
  record: SessionRecord<TUserId>;
  /** Whether `record` exists in the store. */
  stored: boolean;
  userId: TUserId | null;
  userChanged = false;
  /** The client must be sent the current token (new session saved, or token rotated). */
  tokenIssued = false;
  /** The client's token must be cleared (destroyed, or the token it sent is dead). */
  tokenCleared = false;
  /** The session was committed: later changes would never be saved, so the session refuses them. */
  sealed = false;
  /** The transport channel the token is signed for (`undefined`: the cookie). */
  channel: string | undefined;
  readonly data = new Map<string, unknown>();
  readonly changes = new ChangeLog();
  /** The values as in `record`: a key whose value is no longer the same primitive may have changed. */
  #loaded = new Map<string, unknown>();
  /** JSON of the loaded objects and arrays, taken before the app could mutate them in place. */
  #loadedJson = new Map<string, string>();
  /**
   * Bytes each key adds to the serialized data object (`"key":value`); measured when first needed (a
   * write), so a request that only reads serializes nothing it does not have to.
   */
  #measured: Map<string, number> | undefined;
  #events: SessionStateEvent<TUserId>[] = [];

  constructor(token: string, id: string, record: SessionRecord<TUserId>, stored: boolean, readonly maxDataBytes: number) {
    this.token = token;
    this.id = id;
    this.record = record;
    this.stored = stored;
    this.userId = record.userId;
    this.#resetFrom(record.data);
  }

  /** Turns this state into a new, unsaved, empty session with another token. */
  reset(token: string, id: string, record: SessionRecord<TUserId>): void {
    this.token = token;
    this.id = id;
    this.record = record;
    this.stored = false;
    this.userId = record.userId;
    this.userChanged = false;
    this.tokenIssued = false;
    this.#events = [];
    this.changes.clear();
    this.#resetFrom(record.data);
  }

  /** The id of the stored row (the id before any unsaved rotation). */
  get storedId(): string {
    return this.record.id;
  }

  get rotated(): boolean {
    return this.id !== this.record.id;
  }

  /** Validates `value` and writes it to `key`, recording `change`. Nothing changes when it throws. */
  write(key: string, value: unknown, change: KeyChange): void {
    if (value === undefined) {
      this.remove(key, change);
      return;
    }
    const size = byteLength(JSON.stringify(key)) + 1 + byteLength(serializeJsonValue(key, value));
    this.#checkTotal(key, size);
    this.data.set(key, value);
    this.#sizes.set(key, size);
    this.changes.record(key, change);
  }

  remove(key: string, change: KeyChange): void {
    this.data.delete(key);
    this.#measured?.delete(key);
    this.changes.record(key, change);
  }

  /**
   * Keys whose value differs from the stored row, however they changed (`set`, `update`, in place). A
   * key set back to the value it was loaded with is not a change.
   */
  changedKeys(): Set<string> {
    const changed = new Set<string>();
    for (const [key, value] of this.data) {
      const loaded = this.#loaded.get(key);
      // A primitive cannot change in place: the same one is unchanged.
      if (value === loaded && (value === null || typeof value !== "object") && this.#loaded.has(key)) continue;
      const snapshot = this.#snapshotOf(key);
      const json = safeStringify(value);
      if (json === snapshot) continue;
      // The database may have reordered object keys (jsonb does): equal values are not a change.
      if (json === undefined || snapshot === undefined || canonicalJson(value) !== canonicalJson(JSON.parse(snapshot))) changed.add(key);
    }
    for (const key of this.#loaded.keys()) if (!this.data.has(key)) changed.add(key);
    return changed;
  }

  /** True when a commit has content to write (data, user, or token). */
  isDirty(): boolean {
    return this.userId !== this.record.userId || this.rotated || this.changedKeys().size > 0;
  }

  /** Whether the session holds anything worth storing: data or a user. */
  hasInfo(): boolean {
    return this.userId !== null || this.data.size > 0;
  }

  /** Events that happened to this session (login, logout), reported once it is saved. */
  takeEvents(): SessionStateEvent<TUserId>[] {
    return this.#events.splice(0);
  }

  /** Records an event to report once the session is saved. */
  addEvent(event: SessionStateEvent<TUserId>): void {
    this.#events.push(event);
  }

  /**
   * Validates the whole data object for storage (values mutated in place are only seen here) and
   * returns it as a plain object.
   * @throws SessionDataError naming the offending key.
   */
  toStorable(changed: Iterable<string>): SessionDataRecord {
    for (const key of changed) {
      if (!this.data.has(key)) continue;
      const value = this.data.get(key);
      this.#sizes.set(key, byteLength(JSON.stringify(key)) + 1 + byteLength(serializeJsonValue(key, value)));
    }
    const total = this.#totalBytes();
    if (total > this.maxDataBytes) {
      const largest = [...this.#sizes].sort((a, b) => b[1] - a[1])[0]?.[0];
      throw new SessionDataError(
        `Session data is ${total} bytes, over maxDataBytes (${this.maxDataBytes}); largest key: "${largest}"`,
        { key: largest, reason: "too-large" },
      );
    }
    return toObject(this.data);
  }

  /**
   * Rebases this request's changes on a row another request saved: the fresh data with every changed
   * key replayed on it. In-place mutations without a recorded change count as a `set`.
   */
  rebase(fresh: SessionRecord<TUserId>): void {
    const changed = this.changedKeys();
    this.changes.forgetUnchanged(changed);
    for (const key of changed) {
      if (!this.changes.has(key)) {
        this.changes.record(key, this.data.has(key) ? { kind: "set", value: this.data.get(key) } : { kind: "delete" });
      }
    }
    if (!this.userChanged) this.userId = fresh.userId;
    this.record = fresh;
    this.#resetFrom(fresh.data);
    for (const key of this.changes.keys()) {
      const value = this.changes.replay(key, this.data.get(key));
      if (value === undefined) {
        this.data.delete(key);
        this.#measured?.delete(key);
      } else {
        this.data.set(key, value);
      }
    }
  }

  /**
   * This request's changes as changes that do not depend on what the row holds (keys set or deleted
   * outright, numbers added), validated for storage; `null` when the save is more than that (a user
   * change, a rotation) or a key was changed by an updater, which only a replay on the row can apply.
   * In-place mutations count as a `set`, and a key set back to its loaded value is left out, as in {@link rebase}.
   * @throws SessionDataError as {@link toStorable}.
   */
  toDataChanges(): SessionDataChanges | null {
    if (this.rotated || this.userChanged || this.userId !== this.record.userId) return null;
    const changed = this.changedKeys();
    const changes: { set: SessionDataRecord; deleted: string[]; added: Record<string, number> } = { set: {}, deleted: [], added: {} };
    for (const key of new Set([...changed, ...this.changes.keys()])) {
      const dependence = this.changes.dependence(key);
      if (dependence?.kind === "relative") return null;
      if (dependence?.kind === "sum") defineKey(changes.added, key, dependence.amount);
      else if (!changed.has(key)) continue;
      else if (this.data.has(key)) defineKey(changes.set, key, this.data.get(key));
      else changes.deleted.push(key);
    }
    this.toStorable(changed);
    return changes;
  }

  /** Marks the state as saved as `record`, keeping the data in memory (it is what was written). */
  saved(record: SessionRecord<TUserId>): void {
    this.record = record;
    this.stored = true;
    this.userId = record.userId;
    this.userChanged = false;
    this.changes.clear();
    this.#snapshot(this.data);
  }

  /** Marks the state as saved as `record`, whose data (combined with other requests' changes) it takes. */
  adopt(record: SessionRecord<TUserId>): void {
    this.record = record;
    this.id = record.id;
    this.stored = true;
    this.userId = record.userId;
    this.userChanged = false;
    this.changes.clear();
    this.#resetFrom(record.data);
  }

  #resetFrom(data: SessionDataRecord): void {
    this.data.clear();
    for (const key in data) if (Object.hasOwn(data, key)) this.data.set(key, data[key]);
    this.#snapshot(this.data);
    this.#measured = undefined;
  }

  /** Takes `data` as the stored values that later changes are measured against. */
  #snapshot(data: Map<string, unknown>): void {
    this.#loaded.clear();
    this.#loadedJson.clear();
    for (const [key, value] of data) {
      this.#loaded.set(key, value);
      if (typeof value === "object" && value !== null) this.#loadedJson.set(key, JSON.stringify(value));
    }
  }

  /** The JSON of a key's stored value (`undefined`: the key was not stored). */
  #snapshotOf(key: string): string | undefined {
    const json = this.#loadedJson.get(key);
    return json !== undefined || !this.#loaded.has(key) ? json : JSON.stringify(this.#loaded.get(key));
  }

  /**
   * Each key's size: a key written since as written, any other as stored (a value changed in place is
   * measured when the save validates it).
   */
  get #sizes(): Map<string, number> {
    if (this.#measured === undefined) {
      this.#measured = new Map();
      for (const key of this.#loaded.keys()) {
        if (this.data.has(key)) this.#measured.set(key, byteLength(JSON.stringify(key)) + 1 + byteLength(this.#snapshotOf(key)!));
      }
    }
    return this.#measured;
  }

  #checkTotal(key: string, newSize: number): void {
    const count = this.#sizes.size + (this.#sizes.has(key) ? 0 : 1);
    const total = bytesOf(count, this.#sumOfSizes() - (this.#sizes.get(key) ?? 0) + newSize);
    if (total > this.maxDataBytes) {
      throw new SessionDataError(
        `Cannot store session key "${key}": session data would be ${total} bytes, over maxDataBytes (${this.maxDataBytes})`,
        { key, reason: "too-large" },
      );
    }
  }

  #totalBytes(): number {
    return bytesOf(this.#sizes.size, this.#sumOfSizes());
  }

  #sumOfSizes(): number {
    let sum = 0;
    for (const size of this.#sizes.values()) sum += size;
    return sum;
  }
}

/** Length of `{"k":v,...}` given the number of keys and the sum of their `"k":v` lengths. */
function bytesOf(keyCount: number, sumOfEntries: number): number {
  return 2 + Math.max(0, keyCount - 1) + sumOfEntries;
}

/** JSON of a value, or `undefined` when JSON.stringify throws (BigInt, circular): changed either way. */
function safeStringify(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

/** A plain object from a data map; `__proto__` keys stay own properties instead of setting a prototype. */
function toObject(data: Map<string, unknown>): SessionDataRecord {
  const object: SessionDataRecord = {};
  for (const [key, value] of data) defineKey(object, key, value);
  return object;
}

