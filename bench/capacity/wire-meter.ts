/**
 * What sessionrow sends and receives, measured on the wire: statements (bench/statement-counter.ts
 * wraps `pg.Client.prototype.query`) and bytes (every pg connection's socket counters). Prisma's
 * `@prisma/adapter-pg` and TypeORM's postgres driver both connect with the one `pg` in node_modules.
 * Import before any module that could capture `pg.Client.prototype`.
 */
import pg from "pg";
import { statementCounts } from "../statement-counter.js";

/** Totals since the process started. */
export interface WireTotals {
  statements: number;
  byKind: Record<string, number>;
  bytesSent: number;
  bytesReceived: number;
}

interface CountedSocket {
  bytesWritten: number;
  bytesRead: number;
}

const sockets = new Set<CountedSocket>();
type Connect = (this: pg.Client, ...args: unknown[]) => unknown;
const prototype = pg.Client.prototype as unknown as { connect: Connect };
const originalConnect = prototype.connect;
prototype.connect = function meteredConnect(this: pg.Client, ...args: unknown[]): unknown {
  if (excluded.has(this)) return originalConnect.apply(this, args);
  const stream = (this as unknown as { connection?: { stream?: CountedSocket } }).connection?.stream;
  if (stream) sockets.add(stream);
  return originalConnect.apply(this, args);
};

const excluded = new WeakSet<pg.Client>();

/** Leaves `client`'s bytes out of the totals (a measuring connection, not the app's). */
export function unmetered(client: pg.Client): pg.Client {
  excluded.add(client);
  return client;
}

/** Statements and bytes so far (closed connections keep their counts). */
export function wireTotals(): WireTotals {
  const counts = statementCounts();
  let bytesSent = 0;
  let bytesReceived = 0;
  for (const socket of sockets) {
    bytesSent += socket.bytesWritten;
    bytesReceived += socket.bytesRead;
  }
  return { statements: counts.total, byKind: counts.byKind, bytesSent, bytesReceived };
}
