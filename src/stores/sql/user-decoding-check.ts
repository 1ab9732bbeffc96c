import { isDeepStrictEqual } from "node:util";
import type { LoadedSession, UserId } from "../../session-store.js";
import type { SqlSessionRows, UserDecoder } from "./sql-session-rows.js";

/**
 * Whether the user rows a store decodes from its joined SELECT equal the ORM's own, decided once per
 * store on the first session with a user: that session's user is loaded both ways and compared. A
 * difference (a field renamed with `@map`, a field the client omits, a client extension's computed
 * field, a listener that changes loaded entities) sends every later user lookup through the ORM,
 * with one warning. Until then, and after a difference, the ORM's user is the one returned.
 */
export class UserDecodingCheck {
  #state: "unchecked" | "same" | "different" = "unchecked";
  #keys: readonly string[] = [];
  readonly #warning: string;

  /** @param warning what the warning says after "sessionrow: " when the rows differ. */
  constructor(warning: string) {
    this.#warning = warning;
  }

  /** Decoded users are known to equal the ORM's: use them. */
  get trusted(): boolean {
    return this.#state === "same";
  }

  /** The ORM user's keys, once trusted: a decoder keeps only these (a column added later is not the ORM's). */
  get keys(): readonly string[] {
    return this.#keys;
  }

  /** Decoded users differ from the ORM's: load users through the ORM. */
  get refused(): boolean {
    return this.#state === "different";
  }

  /**
   * A session and its user in one statement (`rows.loadWithUser`). Until the decoding is trusted, the
   * user is loaded again through the ORM (`loadUser`), compared, and the ORM's is returned.
   */
  async load<TUserId extends UserId, TUser>(
    rows: SqlSessionRows<TUserId, TUser>,
    id: string,
    decode: UserDecoder<TUser>,
    loadUser: (userId: TUserId) => Promise<TUser | null>,
  ): Promise<LoadedSession<TUserId, TUser> | null> {
    const loaded = await rows.loadWithUser(id, decode);
    if (loaded === null || loaded.user === null || loaded.user === undefined || this.trusted) return loaded;
    const fromOrm = (await loadUser(loaded.record.userId as TUserId)) as TUser | null;
    return { record: loaded.record, user: this.#settle<TUser>(loaded.user, fromOrm) };
  }

  /** Compares a decoded user with the ORM's user of the same id, and returns the ORM's. */
  #settle<TUser>(decoded: TUser, fromOrm: TUser | null): TUser | null {
    // No user any more (deleted meanwhile): nothing to compare, ask again next time.
    if (this.#state !== "unchecked" || fromOrm === null) return fromOrm;
    if (isDeepStrictEqual(decoded, fromOrm)) {
      this.#state = "same";
      this.#keys = Object.keys(fromOrm as object);
    } else {
      this.#state = "different";
      process.emitWarning(`sessionrow: ${this.#warning}`, { code: "SESSIONROW_USER_DECODING" });
    }
    return fromOrm;
  }
}
