/**
 * Options of {@link expressSessionStore}. Expiry, touch throttling, the store timeout, the data size
 * limit and events are the manager's (`idleTimeout`, `absoluteTimeout`, `touchAfter`,
 * `storeTimeout`, `maxDataBytes`, `sessions.on(...)`).
 */
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
}
