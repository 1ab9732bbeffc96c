/** Options of `SessionManager.load` and `SessionManager.create`. */
export interface LoadOptions {
  /** Load the session read-only: it can be read but never changes or touches the store. */
  readOnly?: boolean;
  /** Client address, recorded when a session is created (if `recordClientInfo`). */
  ipAddress?: string | null;
  /** Client User-Agent, recorded when a session is created (if `recordClientInfo`). */
  userAgent?: string | null;
}
