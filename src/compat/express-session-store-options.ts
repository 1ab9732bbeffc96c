import type { Duration } from "../duration.js";
import type { Clock } from "../session-manager-options.js";

/** Options of {@link expressSessionStore}. */
export interface ExpressSessionStoreOptions {
  /**
   * The `req.session` key holding the logged-in user's id. Its value is stored in the `userId` foreign
   * key column rather than in `data`, so the session is deleted with its user (ON DELETE CASCADE) and
   * `SessionManager.listForUser()` / `revokeForUser()` see it. It must be the id of a row of the
   * table the foreign key references. `null` stores everything in `data`.
   * @default "userId"
   * @example req.session.userId = user.id
   */
  userIdKey?: string | null;
  /**
   * How long a session whose cookie has no `maxAge` (a browser-session cookie) lives after its last use.
   * @default "1d"
   */
  ttl?: Duration;
  /**
   * Hard expiry counted from creation, never extended (express-session has none: a rolling session
   * could otherwise live forever).
   * @default "400d" (the longest any browser keeps a cookie)
   */
  absoluteTimeout?: Duration;
  /**
   * express-session touches the session on every request that does not save it; the store writes such
   * a touch (last seen, expiry) at most this often per session; `0` writes every touch.
   * @default "1m"
   */
  touchAfter?: Duration;
  /** Clock used for every expiry decision. @default Date.now */
  clock?: Clock;
}
