import type { SessionMetadata } from "../session-store.js";
import type { UserId } from "../session-store.js";
import type { AnySessionManager, SessionInspector, SessionPage, SessionStats } from "./session-source.js";

const SCAN_BATCH_SIZE = 1000;

/**
 * Answers by reading every session's metadata through `SessionManager.iterate`: works on any store
 * (the app's own Prisma or TypeORM setup), at the cost of a full scan. Cannot tell the table size.
 */
export class ScanInspector implements SessionInspector {
  readonly #manager: AnySessionManager;

  constructor(manager: AnySessionManager) {
    this.#manager = manager;
  }

  async list(query: { now: Date; userId?: UserId; limit: number | null }): Promise<SessionPage> {
    const limit = query.limit ?? Infinity;
    // The most recently seen `limit + 1` so far, newest first: a bounded insertion sort, not the whole table in memory.
    const newest: SessionMetadata[] = [];
    for await (const session of this.#scan(query.userId)) {
      if (session.expiresAt <= query.now) continue;
      newest.splice(insertionIndex(newest, session), 0, session);
      if (newest.length > limit + 1) newest.pop();
    }
    return { sessions: newest.slice(0, limit), more: newest.length > limit };
  }

  async stats(now: Date, top: number): Promise<SessionStats> {
    const stats: SessionStats = { total: 0, active: 0, expired: 0, activeWithUser: 0, activeAnonymous: 0, topUsers: [], tableSizeBytes: null };
    const perUser = new Map<UserId, number>();
    for await (const session of this.#scan()) {
      stats.total++;
      if (session.expiresAt <= now) stats.expired++;
      else if (session.userId === null) stats.activeAnonymous++;
      else {
        stats.activeWithUser++;
        perUser.set(session.userId, (perUser.get(session.userId) ?? 0) + 1);
      }
    }
    stats.active = stats.activeWithUser + stats.activeAnonymous;
    stats.topUsers = [...perUser]
      .map(([userId, sessions]) => ({ userId, sessions }))
      .sort((a, b) => b.sessions - a.sessions || String(a.userId).localeCompare(String(b.userId), undefined, { numeric: true }))
      .slice(0, top);
    return stats;
  }

  #scan(userId?: UserId): AsyncIterable<SessionMetadata> {
    return this.#manager.iterate({ batchSize: SCAN_BATCH_SIZE, ...(userId === undefined ? {} : { userId }) });
  }
}

/** Where `session` goes in `sorted` (binary search). */
function insertionIndex(sorted: SessionMetadata[], session: SessionMetadata): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (listedBefore(sorted[middle]!, session)) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Whether `a` comes before `b` when listing: seen more recently, ties by id (as the SQL listing sorts). */
function listedBefore(a: SessionMetadata, b: SessionMetadata): boolean {
  const difference = a.lastSeenAt.getTime() - b.lastSeenAt.getTime();
  return difference > 0 || (difference === 0 && a.id < b.id);
}
