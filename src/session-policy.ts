import type { ResolvedOptions } from "./session-manager-options.js";
import { SessionState } from "./session-state.js";
import { isExpired, type SessionRecord, type SessionTouch, type UserId } from "./session-store.js";
import type { TokenAction } from "./token-action.js";
import { generateToken, sessionIdOf, type TokenSigner } from "./token.js";

/** Client details recorded with a new session. */
export interface ClientInfo {
  /** The client's address. */
  ipAddress?: string | null | undefined;
  /** The client's User-Agent. */
  userAgent?: string | null | undefined;
}

const MAX_USER_AGENT_LENGTH = 512;
const MAX_IP_ADDRESS_LENGTH = 45;

/**
 * Every session rule that is not persistence: what a new row holds, when a row has expired, when a
 * visit is worth a metadata touch, when a session must be written, and what the response does with
 * the client's token. Pure apart from the injected clock, new random tokens and the signatures of
 * the tokens it sends.
 */
export class SessionPolicy<TUserId extends UserId> {
  constructor(
    private readonly options: Pick<
      ResolvedOptions,
      "idleTimeout" | "absoluteTimeout" | "touchAfter" | "recordClientInfo" | "maxDataBytes" | "clock"
    >,
  ) {}

  now(): number {
    return this.options.clock.now();
  }

  /** A new, unsaved session state, with a new random token unless `token` is given. */
  newState(client: ClientInfo, token = generateToken()): SessionState<TUserId> {
    const id = sessionIdOf(token);
    return new SessionState<TUserId>(token, id, this.newRecord(id, client), false, this.options.maxDataBytes);
  }

  /** The state of a stored row. */
  storedState(token: string, record: SessionRecord<TUserId>): SessionState<TUserId> {
    return new SessionState<TUserId>(token, record.id, record, true, this.options.maxDataBytes);
  }

  /**
   * Turns a state whose row is gone (destroyed, revoked, expired, renamed by a parallel login) into a
   * new empty session with a new token; `clearToken` tells the client to drop the token it holds.
   */
  renew(state: SessionState<TUserId>, clearToken: boolean): void {
    const token = generateToken();
    const id = sessionIdOf(token);
    state.reset(token, id, this.newRecord(id, state.record));
    state.tokenCleared = clearToken;
  }

  /** Gives the state a new token (login, logout, `regenerate()`); the row is renamed when it is saved. */
  rotate(state: SessionState<TUserId>): void {
    const token = generateToken();
    state.token = token;
    state.id = sessionIdOf(token);
    if (!state.stored) state.record = { ...state.record, id: state.id };
  }

  newRecord(id: string, client: ClientInfo): SessionRecord<TUserId> {
    const now = this.now();
    const absoluteExpiresAt = new Date(now + this.options.absoluteTimeout);
    const record = this.options.recordClientInfo;
    return {
      id,
      userId: null,
      data: {},
      version: 0,
      createdAt: new Date(now),
      updatedAt: new Date(now),
      lastSeenAt: new Date(now),
      expiresAt: this.idleExpiry(now, absoluteExpiresAt),
      absoluteExpiresAt,
      ipAddress: record ? truncate(client.ipAddress, MAX_IP_ADDRESS_LENGTH) : null,
      userAgent: record ? truncate(client.userAgent, MAX_USER_AGENT_LENGTH) : null,
    };
  }

  /** The idle expiry of a session used at `now`: `idleTimeout` later, never past the absolute expiry. */
  idleExpiry(now: number, absoluteExpiresAt: Date): Date {
    return new Date(Math.min(now + this.options.idleTimeout, absoluteExpiresAt.getTime()));
  }

  /** Whether a row has passed its idle or its absolute expiry. */
  isExpired(record: Pick<SessionRecord, "expiresAt" | "absoluteExpiresAt">): boolean {
    return isExpired(record, this.now());
  }

  /** Whether a session is due a visit (a touch, or new visit metadata in a save): throttled, and pointless once the idle expiry would pass the absolute one. */
  shouldTouch(record: SessionRecord<TUserId>): boolean {
    return this.now() - record.lastSeenAt.getTime() >= this.options.touchAfter && record.expiresAt < record.absoluteExpiresAt;
  }

  /** The metadata a touch (or the insert of a new session) at this moment writes. */
  visit(record: Pick<SessionRecord, "absoluteExpiresAt">): SessionTouch {
    const now = this.now();
    return { lastSeenAt: new Date(now), expiresAt: this.idleExpiry(now, record.absoluteExpiresAt) };
  }

  /**
   * The metadata a save of a stored session writes: a visit when a touch is due (as on a read), else
   * the row's own. So the idle expiry moves at most once per `touchAfter` whether a request reads or
   * writes, and a write in between leaves the indexed `expiresAt` as it is: PostgreSQL can then make it
   * a heap-only (HOT) update instead of adding an entry to each of the table's indexes.
   */
  saveVisit(record: SessionRecord<TUserId>): SessionTouch {
    return this.shouldTouch(record) ? this.visit(record) : { lastSeenAt: record.lastSeenAt, expiresAt: record.expiresAt };
  }

  /**
   * Whether a commit writes the session's content: never when read-only; for a new session, once it
   * holds data or a user; for a stored one, when its data, user or token changed.
   */
  shouldSave(state: SessionState<TUserId>, readOnly: boolean): boolean {
    if (readOnly) return false;
    return state.stored ? state.isDirty() : state.hasInfo();
  }

  /**
   * What the response does with the client's token after a commit: send the current token when it
   * was issued (a new session saved, a rotation saved), clear it when the client's token is dead and
   * no session replaced it, else leave it.
   */
  tokenAction(state: SessionState<TUserId>, signer: TokenSigner): TokenAction {
    if (state.tokenIssued) return { type: "set", token: signer.sign(state.token, state.channel), expiresAt: state.record.absoluteExpiresAt };
    if (state.tokenCleared && !state.stored) return { type: "clear" };
    return { type: "none" };
  }
}

function truncate(value: string | null | undefined, length: number): string | null {
  return typeof value === "string" && value.length > 0 ? value.slice(0, length) : null;
}
