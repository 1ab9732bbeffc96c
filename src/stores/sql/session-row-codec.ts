import { SqlSyntax, type SqlDialect } from "./sql-executor.js";
import type { SessionColumn } from "./session-statements.js";

/**
 * How a session column's value becomes a statement parameter and how the value a driver read
 * becomes the record's: the one place where a client's types meet the session row's.
 */
export interface SessionRowCodec {
  /** The parameter for a column's value (a Date, the data object, a string, a number or null). */
  encode(column: SessionColumn, value: unknown): unknown;
  /** A column's value as the client read it, as a `SessionRecord` holds it. */
  decode(column: SessionColumn, value: unknown): unknown;
}

const TIMESTAMPS: ReadonlySet<SessionColumn> = new Set(["createdAt", "updatedAt", "lastSeenAt", "expiresAt", "absoluteExpiresAt"]);

/**
 * The codec for a client that takes and gives plain values: timestamps are written as UTC text (right
 * for timestamptz, timestamp and DATETIME(3) alike) and read as Dates, or as UTC text where a driver
 * returns text; the data is written as JSON text and parsed where a driver returns text (MySQL/MariaDB).
 */
export function plainCodec(dialect: SqlDialect): SessionRowCodec {
  const syntax = new SqlSyntax(dialect);
  // Timestamps of one write are often the same instant (a new row's updated and last seen, an
  // update's updated and last seen when a touch is due): each instant is formatted once.
  let lastTime = Number.NaN;
  let lastText = "";
  return {
    encode: (column, value) => {
      if (value instanceof Date) {
        const time = value.getTime();
        if (time !== lastTime) {
          lastText = syntax.timestamp(value);
          lastTime = time;
        }
        return lastText;
      }
      return column === "data" ? JSON.stringify(value) : value;
    },
    decode: (column, value) => {
      if (column === "data") return typeof value === "string" ? JSON.parse(value) : value;
      return TIMESTAMPS.has(column) && typeof value === "string" ? utcDate(value) : value;
    },
  };
}

/** A timestamp read as text (`2026-11-30 10:35:43.084`), which sessionrow writes in UTC. */
function utcDate(text: string): Date {
  const iso = text.includes("T") ? text : text.replace(" ", "T");
  return new Date(/(Z|[+-]\d\d:?\d\d)$/.test(iso) ? iso : `${iso}Z`);
}
