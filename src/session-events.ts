import type { UserId } from "./session-store.js";

/** Events a `SessionManager` emits (subscribe with `sessions.on(event, listener)`). */
export interface SessionEvents<TUserId extends UserId = UserId> {
  /** A new session was stored. */
  created: {
    /** The session's id (the SHA-256 of its token). */
    id: string;
    /** Its user's id, or `null` for an anonymous session. */
    userId: TUserId | null;
  };
  /** A session was destroyed: `session.destroy()` (logout) or `manager.destroy(id)`. */
  destroyed: {
    /** The session's id. */
    id: string;
    /** Its user's id, or `null` (also when destroyed by id: the row is not read first). */
    userId: TUserId | null;
  };
  /** `revokeForUser` deleted a user's sessions. */
  revoked: {
    /** The user whose sessions were deleted. */
    userId: TUserId;
    /** How many were deleted. */
    count: number;
    /** The session kept, or `null`. */
    exceptId: string | null;
  };
  /** A session was found expired when loaded, and deleted. */
  expired: {
    /** The session's id. */
    id: string;
    /** Its user's id, or `null`. */
    userId: TUserId | null;
  };
  /** A user logged in with `setUser` (emitted once the session is saved). `id` is the session's id after rotation. */
  login: {
    /** The session's new id. */
    id: string;
    /** The user who logged in. */
    userId: TUserId;
    /** The user logged in before, or `null` when the session was anonymous. */
    previousUserId: TUserId | null;
  };
  /** A user logged out with `clearUser` (emitted once the session is saved). */
  logout: {
    /** The session's id. */
    id: string;
    /** The user who logged out. */
    userId: TUserId;
  };
  /**
   * A save met a parallel save of the same session: its changes were `merged` into the row the other
   * save wrote (reported once the merged row is written, one event per merged request), it gave up
   * with an `error`, or the session was `gone` (destroyed or renamed meanwhile: nothing written).
   */
  conflict: {
    /** The session's id. */
    id: string;
    /** Which save attempt met the conflict, from 1. */
    attempt: number;
    /** What the manager did about it. */
    resolution: "merged" | "error" | "gone";
  };
  /**
   * A listener of another event threw or rejected. The request and its write are unaffected; without
   * a listener for `error`, the failure is reported with `process.emitWarning`.
   */
  error: {
    /** The event whose listener failed. */
    event: Exclude<keyof SessionEvents, "error">;
    /** What the listener threw or rejected with. */
    error: unknown;
  };
}
