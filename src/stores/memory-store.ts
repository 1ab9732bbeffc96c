import {
  isExpired,
  type IterateOptions,
  type LoadedSession,
  type SessionMerge,
  type SessionDataChanges,
  type SessionDataRecord,
  type SessionRecord,
  type SessionStore,
  type SessionTouch,
  type SessionUpdate,
  type StoreCapabilities,
  type UserId,
} from "../session-store.js";
import { defineKey } from "../define-key.js";

/**
 * Keeps sessions in this process's memory: for tests and single-process development. Not
 * multi-process safe and not persistent. Rows are copied in and out (through JSON for `data`), so
 * callers never share objects with the store, just as with a database.
 */
export class MemoryStore<TUserId extends UserId = UserId, TUser = unknown> implements SessionStore<TUserId, TUser> {
  /** Neither shared between processes nor persistent: for tests and development. */
  readonly capabilities: StoreCapabilities = { multiProcessSafe: false, persistent: false };
  readonly #rows = new Map<string, SessionRecord<TUserId>>();
  readonly #users: Map<TUserId, TUser>;

  /** @param users user rows by id, for `session.user()`. */
  constructor(users: Iterable<readonly [TUserId, TUser]> = []) {
    this.#users = new Map(users);
  }

  async load(id: string, options: { withUser?: boolean } = {}): Promise<LoadedSession<TUserId, TUser> | null> {
    const row = this.#rows.get(id);
    if (!row) return null;
    const record = copy(row);
    if (!options.withUser) return { record };
    return { record, user: record.userId === null ? null : (this.#users.get(record.userId) ?? null) };
  }

  async insert(record: SessionRecord<TUserId>): Promise<void> {
    if (this.#rows.has(record.id)) throw new Error(`Session ${record.id} already exists`);
    this.#rows.set(record.id, copy(record));
  }

  async updateIfVersion(id: string, expectedVersion: number, update: SessionUpdate<TUserId>): Promise<boolean> {
    const row = this.#rows.get(id);
    if (!row || row.version !== expectedVersion || isExpired(row, update.updatedAt.getTime())) return false;
    this.#rows.delete(id);
    this.#rows.set(update.id, copy({ ...row, ...update }));
    return true;
  }

  async mergeUpdate(id: string, merge: SessionMerge): Promise<SessionRecord<TUserId> | null> {
    const row = this.#rows.get(id);
    if (!row || isExpired(row, merge.updatedAt.getTime())) return null;
    const data = applyDataChanges(row.data, merge);
    if (data === null || Buffer.byteLength(JSON.stringify(data), "utf8") > merge.maxDataBytes) return null;
    const { updatedAt, lastSeenAt, expiresAt } = merge;
    this.#rows.set(id, copy({ ...row, data, version: row.version + 1, updatedAt, lastSeenAt, expiresAt }));
    return copy(this.#rows.get(id)!);
  }

  async touch(id: string, touch: SessionTouch): Promise<boolean> {
    const row = this.#rows.get(id);
    if (!row || isExpired(row, touch.lastSeenAt.getTime())) return false;
    this.#rows.set(id, { ...row, lastSeenAt: new Date(touch.lastSeenAt), expiresAt: new Date(touch.expiresAt) });
    return true;
  }

  async delete(id: string): Promise<void> {
    this.#rows.delete(id);
  }

  async listByUser(userId: TUserId): Promise<SessionRecord<TUserId>[]> {
    return [...this.#rows.values()]
      .filter((row) => row.userId === userId)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .map(copy);
  }

  async deleteByUser(userId: TUserId, exceptId?: string): Promise<number> {
    let deleted = 0;
    for (const row of [...this.#rows.values()]) {
      if (row.userId === userId && row.id !== exceptId) {
        this.#rows.delete(row.id);
        deleted++;
      }
    }
    return deleted;
  }

  async deleteExpired(now: Date, limit: number): Promise<number> {
    let deleted = 0;
    for (const row of [...this.#rows.values()]) {
      if (deleted >= limit) break;
      if (row.expiresAt <= now) {
        this.#rows.delete(row.id);
        deleted++;
      }
    }
    return deleted;
  }

  async *iterate(options: IterateOptions<TUserId> = {}): AsyncIterable<SessionRecord<TUserId>> {
    const ids = [...this.#rows.keys()].sort();
    for (const id of ids) {
      const row = this.#rows.get(id);
      if (row && (options.userId === undefined || row.userId === options.userId)) yield copy(row);
    }
  }

  async loadUser(userId: TUserId): Promise<TUser | null> {
    return this.#users.get(userId) ?? null;
  }

  /** Removes a user and, like ON DELETE CASCADE, their sessions. */
  deleteUser(userId: TUserId): void {
    this.#users.delete(userId);
    for (const row of [...this.#rows.values()]) if (row.userId === userId) this.#rows.delete(row.id);
  }

  /** Adds or replaces a user row. */
  setUser(userId: TUserId, user: TUser): void {
    this.#users.set(userId, user);
  }
}

/** `data` with `changes` applied, or `null` when a key to add to holds something other than a number or null, or a sum passes `Number.MAX_SAFE_INTEGER`. */
function applyDataChanges(data: SessionDataRecord, changes: SessionDataChanges): SessionDataRecord | null {
  const merged: SessionDataRecord = {};
  for (const [key, value] of Object.entries(data)) if (!changes.deleted.includes(key)) defineKey(merged, key, value);
  for (const [key, value] of Object.entries(changes.set)) defineKey(merged, key, value);
  for (const [key, amount] of Object.entries(changes.added)) {
    const current = Object.hasOwn(data, key) ? data[key] : null;
    if (current !== null && typeof current !== "number") return null;
    const sum = (current ?? 0) + amount;
    if (Math.abs(sum) > Number.MAX_SAFE_INTEGER) return null;
    defineKey(merged, key, sum);
  }
  return merged;
}

function copy<TUserId extends UserId>(row: SessionRecord<TUserId>): SessionRecord<TUserId> {
  return {
    ...row,
    data: JSON.parse(JSON.stringify(row.data)) as SessionRecord<TUserId>["data"],
    createdAt: new Date(row.createdAt),
    updatedAt: new Date(row.updatedAt),
    lastSeenAt: new Date(row.lastSeenAt),
    expiresAt: new Date(row.expiresAt),
    absoluteExpiresAt: new Date(row.absoluteExpiresAt),
  };
}
