import type { SessionData } from "../session.js";
import type { SessionManager } from "../session-manager.js";
import type { SessionMetadata } from "../session-store.js";
import type { UserId } from "../session-store.js";
import type { UserIdType } from "./user-id.js";

/** Any app's SessionManager, whatever its data, user and user id types. */
export type AnySessionManager = SessionManager<SessionData, unknown, UserId>;

/** Counts of stored sessions, as `sessionrow stats` shows them. */
export interface SessionStats {
  /** Stored rows. */
  total: number;
  /** Rows not yet expired. */
  active: number;
  /** Expired rows, waiting for `prune`. */
  expired: number;
  /** Active sessions with a user. */
  activeWithUser: number;
  /** Active sessions without a user. */
  activeAnonymous: number;
  /** Users with the most active sessions, most first. */
  topUsers: { userId: UserId; sessions: number }[];
  /** Size of the table with its indexes, or null when the store cannot tell. */
  tableSizeBytes: number | null;
}

/** A page of active sessions, most recently seen first. */
export interface SessionPage {
  sessions: SessionMetadata[];
  /** More sessions matched than the limit let through. */
  more: boolean;
}

/** Read-only questions about the stored sessions that the SessionManager API does not answer directly. */
export interface SessionInspector {
  /** How many rows expired at `now`; absent when only a full scan could tell. */
  countExpired?(now: Date): Promise<number>;
  /** Active sessions (of one user), most recently seen first; `limit` null for all. */
  list(query: { now: Date; userId?: UserId; limit: number | null }): Promise<SessionPage>;
  stats(now: Date, top: number): Promise<SessionStats>;
}

/** Where the CLI's sessions live: the app's manager or one opened on a database URL. */
export interface SessionSource {
  readonly manager: AnySessionManager;
  readonly inspector: SessionInspector;
  /** How user ids on the command line are read; undefined: all digits means an integer. */
  readonly userIdType: UserIdType | undefined;
  /** Closes what the source opened. */
  close(): Promise<void>;
}
