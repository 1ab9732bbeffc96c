import type { LoadOptions } from "./load-options.js";
import type { Session } from "./session.js";
import type { ResolvedOptions } from "./session-manager-options.js";
import type { IterateOptions, SessionRecord, UserId } from "./session-store.js";
import type { TokenAction } from "./token-action.js";

/**
 * The request lifecycle every framework adapter is built on (a `SessionManager` is one): load the
 * request's session from the token the client sent, let the handler use it, commit it before the
 * response is sent, and apply the returned {@link TokenAction} to the response.
 *
 * @example
 * ```ts
 * const session = await sessions.load(tokenFromRequest, { ipAddress, userAgent });
 * // ... the handler reads and changes the session ...
 * const action = await sessions.commit(session); // saved before anything is sent
 * for (const [name, value] of cookies.responseHeaders(action)) res.appendHeader(name, value);
 * ```
 */
export interface SessionLifecycle<Data extends object, TUser, TUserId extends UserId> {
  /** The manager's options; adapters read only the clock. */
  readonly options: Readonly<Pick<ResolvedOptions, "clock">>;
  /** The session of a signed token: a new empty one when the token is missing, forged, unknown or expired. */
  load(signedToken: string | readonly string[] | null | undefined, options?: LoadOptions): Promise<Session<Data, TUser, TUserId>>;
  /** The session of a raw token the caller authenticated itself; an unknown token starts a new session with that token. */
  loadUnsigned(token: string, options?: LoadOptions): Promise<Session<Data, TUser, TUserId>>;
  /** Saves the session (or touches it), seals it, and says what the response does with the token. */
  commit(session: Session<Data, TUser, TUserId>): Promise<TokenAction>;
  /**
   * `commit`, with the token action itself (no promise) when the commit writes nothing. Optional: an
   * adapter without it commits every session with `commit`.
   */
  commitWithoutWaiting?(session: Session<Data, TUser, TUserId>): TokenAction | Promise<TokenAction>;
  /** Deletes a session (or the row of a stored id). Idempotent. */
  destroy(sessionOrId: Session<Data, TUser, TUserId> | string): Promise<void>;
  /** Every stored session with its data, fetched in batches. */
  iterate(options: IterateOptions<TUserId> & { includeData: true }): AsyncIterable<SessionRecord<TUserId>>;
}
