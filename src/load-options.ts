/** Options of `SessionManager.load` and `SessionManager.create`. */
export interface LoadOptions {
  /** Load the session read-only: it can be read but never changes or touches the store. */
  readOnly?: boolean;
  /** Client address, recorded when a session is created (if `recordClientInfo`). */
  ipAddress?: string | null;
  /** Client User-Agent, recorded when a session is created (if `recordClientInfo`). */
  userAgent?: string | null;
  /**
   * The transport the token travels by, when it is not the cookie: a token is signed for its channel
   * and verifies only there, so a cookie's token cannot be replayed as a bearer header or the other
   * way round. The header transport uses `"header"`.
   * @default the cookie channel
   */
  channel?: string;
}
