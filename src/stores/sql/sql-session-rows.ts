import type { LoadedSession, LockedChange, SessionMerge, SessionRecord, SessionTouch, SessionUpdate, UserId } from "../../session-store.js";
import { SESSION_COLUMNS, toSessionRecord } from "../session-row.js";
import type { SessionRowCodec } from "./session-row-codec.js";
import { JOINED_SESSION_PREFIX, UPDATE_COLUMNS, type SessionStatements } from "./session-statements.js";
import type { SqlExecutor } from "./sql-executor.js";

/** Turns the user table's columns of a joined row (keyed by their database names) into the app's user. */
export type UserDecoder<TUser> = (row: Record<string, unknown>) => TUser;

/** The session columns' names in a row joined with the user's, in the order of `SESSION_COLUMNS`. */
const JOINED_SESSION_COLUMNS = SESSION_COLUMNS.map((column) => JOINED_SESSION_PREFIX + column);

/**
 * sessionrow's own statements (load, load with the user, insert, version-checked update, merged
 * update, touch, delete, and the locked update) as hand-written SQL through an executor: the SQL store's, and the
 * hot path of the Prisma and TypeORM stores through the app's own client. Each call is one
 * statement, but `updateLocked` (one transaction).
 */
export class SqlSessionRows<TUserId extends UserId = UserId, TUser = unknown> {
  readonly #executor: SqlExecutor;
  readonly #statements: SessionStatements;
  readonly #codec: SessionRowCodec;

  constructor(executor: SqlExecutor, statements: SessionStatements, codec: SessionRowCodec) {
    this.#executor = executor;
    this.#statements = statements;
    this.#codec = codec;
  }

  /** The row, or `null`. */
  async load(id: string): Promise<LoadedSession<TUserId, never> | null> {
    const [row] = await this.#executor.rows<Record<string, unknown>>(this.#statements.load, [id]);
    return row === undefined ? null : { record: this.#record(row, SESSION_COLUMNS) };
  }

  /**
   * The row and its user's columns in one statement; the user is `decodeUser` of them, or `null`
   * when the session has none or its `userId` matches no user row (no foreign key enforces it).
   * @throws Error when the statements were written without a user table.
   */
  async loadWithUser(id: string, decodeUser: UserDecoder<TUser>): Promise<LoadedSession<TUserId, TUser> | null> {
    const { loadWithUser, users } = this.#statements;
    if (loadWithUser === null || users === null) throw new Error("These session statements know no user table");
    const [row] = await this.#executor.rows<Record<string, unknown>>(loadWithUser, [id]);
    if (row === undefined) return null;
    const record = this.#record(row, JOINED_SESSION_COLUMNS);
    const userFound = row[users.key] !== null && row[users.key] !== undefined;
    return { record, user: userFound ? decodeUser(row) : null };
  }

  async insert(record: SessionRecord<TUserId>): Promise<void> {
    await this.#executor.run(
      this.#statements.insert,
      SESSION_COLUMNS.map((column) => this.#codec.encode(column, record[column])),
    );
  }

  updateIfVersion(id: string, expectedVersion: number, update: SessionUpdate<TUserId>): Promise<boolean> {
    return this.#update(this.#executor, id, expectedVersion, update);
  }

  /**
   * Locks the row, reads it and writes `change(row)` with a version check that cannot fail, in one
   * transaction: BEGIN, SELECT ... FOR UPDATE, UPDATE, COMMIT. `undefined` when the executor has no
   * transactions.
   */
  async updateLocked(id: string, change: LockedChange<TUserId>): Promise<boolean | undefined> {
    if (this.#executor.transaction === undefined) return undefined;
    return this.#executor.transaction(async (transaction) => {
      const [row] = await transaction.rows<Record<string, unknown>>(this.#statements.loadForUpdate, [id]);
      const current = row === undefined ? null : this.#record(row, SESSION_COLUMNS);
      const update = change(current);
      return current !== null && update !== null && (await this.#update(transaction, id, current.version, update));
    });
  }

  async #update(executor: SqlExecutor, id: string, expectedVersion: number, update: SessionUpdate<TUserId>): Promise<boolean> {
    const now = this.#codec.encode("expiresAt", update.updatedAt);
    const params = [...UPDATE_COLUMNS.map((column) => this.#codec.encode(column, update[column])), id, expectedVersion, now, now];
    return (await executor.run(this.#statements.update, params)) > 0;
  }

  /**
   * Merges keys set, deleted and added into the row as it is, in one statement (see
   * `SessionStore.mergeUpdate`): the row written, `null` when nothing was, `undefined` on a
   * database without the statement.
   */
  async mergeUpdate(id: string, merge: SessionMerge): Promise<SessionRecord<TUserId> | null | undefined> {
    const statement = this.#statements.mergeUpdate(merge);
    if (statement === null) return undefined;
    const now = this.#codec.encode("expiresAt", merge.updatedAt);
    const params = [
      id,
      this.#codec.encode("updatedAt", merge.updatedAt),
      this.#codec.encode("lastSeenAt", merge.lastSeenAt),
      this.#codec.encode("expiresAt", merge.expiresAt),
      now,
      now,
      merge.maxDataBytes,
      ...statement.changeParams,
    ];
    const [row] = await this.#executor.rows<Record<string, unknown>>(statement.sql, params);
    return row === undefined ? null : this.#record(row, SESSION_COLUMNS);
  }

  async touch(id: string, touch: SessionTouch): Promise<boolean> {
    const now = this.#codec.encode("lastSeenAt", touch.lastSeenAt);
    const params = [now, this.#codec.encode("expiresAt", touch.expiresAt), id, now, now];
    return (await this.#executor.run(this.#statements.touch, params)) > 0;
  }

  async delete(id: string): Promise<void> {
    await this.#executor.run(this.#statements.delete, [id]);
  }

  /** Deletes up to `limit` rows expired at `now`; resolves to how many went. */
  deleteExpired(now: Date, limit: number): Promise<number> {
    return this.#executor.run(this.#statements.prune, [this.#codec.encode("expiresAt", now), limit]);
  }

  /** The record of a row whose session columns are named `names` (in the order of `SESSION_COLUMNS`). */
  #record(row: Record<string, unknown>, names: readonly string[]): SessionRecord<TUserId> {
    const columns: Record<string, unknown> = {};
    for (let i = 0; i < SESSION_COLUMNS.length; i++) {
      const column = SESSION_COLUMNS[i]!;
      columns[column] = this.#codec.decode(column, row[names[i]!]);
    }
    return toSessionRecord<TUserId>(columns);
  }
}
