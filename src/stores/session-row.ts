import type { SessionDataRecord, SessionMetadata, SessionRecord, UserId } from "../session-store.js";

/** The session table's columns, in the order of {@link SessionRecord}. */
export const SESSION_COLUMNS = [
  "id",
  "userId",
  "data",
  "version",
  "createdAt",
  "updatedAt",
  "lastSeenAt",
  "expiresAt",
  "absoluteExpiresAt",
  "ipAddress",
  "userAgent",
] as const;

/** Every column but `data`. */
export const METADATA_COLUMNS = SESSION_COLUMNS.filter((column) => column !== "data");

/** A session row as an ORM returned it (timestamps as Dates, JSON parsed) to its metadata. */
export function toSessionMetadata<TUserId extends UserId>(row: Record<string, unknown>): SessionMetadata<TUserId> {
  return {
    id: row.id as string,
    userId: (row.userId ?? null) as TUserId | null,
    version: row.version as number,
    createdAt: row.createdAt as Date,
    updatedAt: row.updatedAt as Date,
    lastSeenAt: row.lastSeenAt as Date,
    expiresAt: row.expiresAt as Date,
    absoluteExpiresAt: row.absoluteExpiresAt as Date,
    ipAddress: (row.ipAddress ?? null) as string | null,
    userAgent: (row.userAgent ?? null) as string | null,
  };
}

/** A session row as an ORM returned it to a {@link SessionRecord}; data that is not an object reads as `{}`. */
export function toSessionRecord<TUserId extends UserId>(row: Record<string, unknown>): SessionRecord<TUserId> {
  const data = row.data;
  // The metadata object itself takes the data, rather than being spread into another: this runs on every load.
  const record = toSessionMetadata<TUserId>(row) as SessionRecord<TUserId>;
  record.data = (typeof data === "object" && data !== null && !Array.isArray(data) ? data : {}) as SessionDataRecord;
  return record;
}
