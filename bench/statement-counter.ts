/**
 * Counts the SQL statements a contender process sends to PostgreSQL, by wrapping
 * `pg.Client.prototype.query`. Every contender reaches PostgreSQL through the one `pg` copy in
 * node_modules (Prisma's `@prisma/adapter-pg`, TypeORM's postgres driver, connect-pg-simple and the
 * raw floor all do), so one wrapper counts them all, including BEGIN/COMMIT of transactions.
 * pg_stat_statements would count at the server, but it needs `shared_preload_libraries` and a
 * server restart, which a shared machine cannot have.
 *
 * Imported first by contender-process.ts, before any module that could capture `query`.
 */
import pg from "pg";

/** Statements counted so far, by first SQL keyword, plus the most frequent statement texts. */
export interface StatementCounts {
  total: number;
  byKind: Record<string, number>;
  byText: Record<string, number>;
}

const MAX_TEXTS = 200;
const counts: StatementCounts = { total: 0, byKind: {}, byText: {} };
const textCount = { distinct: 0 };

type Query = (this: pg.Client, ...args: unknown[]) => unknown;
const prototype = pg.Client.prototype as unknown as { query: Query };
const original = prototype.query;
prototype.query = function countedQuery(this: pg.Client, ...args: unknown[]): unknown {
  record(sqlText(args[0]));
  return original.apply(this, args);
};

/** A copy of the counts so far. */
export function statementCounts(): StatementCounts {
  return { total: counts.total, byKind: { ...counts.byKind }, byText: { ...counts.byText } };
}

function record(text: string): void {
  counts.total++;
  const kind = /^\s*([A-Za-z]+)/.exec(text)?.[1]?.toUpperCase() ?? "OTHER";
  counts.byKind[kind] = (counts.byKind[kind] ?? 0) + 1;
  const key = text.replace(/\s+/g, " ").trim().slice(0, 300);
  if (counts.byText[key] !== undefined) counts.byText[key]++;
  else if (textCount.distinct < MAX_TEXTS) {
    counts.byText[key] = 1;
    textCount.distinct++;
  }
}

function sqlText(config: unknown): string {
  if (typeof config === "string") return config;
  if (typeof config === "object" && config !== null && typeof (config as { text?: unknown }).text === "string") {
    return (config as { text: string }).text;
  }
  return "OTHER";
}
