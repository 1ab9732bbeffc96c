/**
 * The prune scenario's cron job, in a process of its own:
 *
 *     node --import tsx bench/prune-job.ts <variant>     (forked by scenarios/prune.ts)
 *
 * Variants: `sessionrow-prisma` (SessionManager.fromPrisma(...).prune(), the library's path),
 * `sessionrow-typeorm` (SessionManager.fromTypeORM(...).prune()), and `raw-sql` (a reference: the
 * same batches as one `DELETE ... WHERE id IN (SELECT ... LIMIT n)` statement each, plain pg).
 * It sends `{ type: "ready" }`, prunes on `{ type: "go" }` and answers `{ type: "done", ... }`.
 */
import { statementCounts } from "./statement-counter.js";
import pg from "pg";
import { resolveOptions } from "../src/session-manager-options.js";

/** What a prune job reports. */
export interface PruneJobResult {
  type: "done";
  deleted: number;
  ms: number;
  batches: number;
  batchSize: number;
  statements: number;
  byKind: Record<string, number>;
}

type Prune = () => Promise<{ deleted: number; batches: number }>;

/** Runs the variant's prune with sessionrow's default batch size (`pruneBatchSize`). */
async function prepare(variant: string, databaseUrl: string, secret: string): Promise<{ prune: Prune; batchSize: number; close(): Promise<void> }> {
  if (variant === "raw-sql") {
    const batchSize = resolveOptions({ secret }).pruneBatchSize;
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    return {
      prune: async () => {
        const now = new Date();
        let deleted = 0;
        let batches = 0;
        for (;;) {
          const result = await client.query(
            'DELETE FROM "Session" WHERE "id" IN (SELECT "id" FROM "Session" WHERE "expiresAt" <= $1 LIMIT $2) AND "expiresAt" <= $1',
            [now, batchSize],
          );
          batches++;
          deleted += result.rowCount ?? 0;
          if ((result.rowCount ?? 0) < batchSize) return { deleted, batches };
        }
      },
      batchSize,
      close: () => client.end(),
    };
  }
  const module = (await import(`./prune-managers/${variant}.js`)) as {
    createManager(databaseUrl: string, secret: string): Promise<{
      manager: { options: { pruneBatchSize: number }; prune(options: { onProgress: (deleted: number) => void }): Promise<number> };
      close(): Promise<void>;
    }>;
  };
  const { manager, close } = await module.createManager(databaseUrl, secret);
  return {
    prune: async () => {
      let batches = 0;
      const deleted = await manager.prune({ onProgress: () => batches++ });
      return { deleted, batches };
    },
    batchSize: manager.options.pruneBatchSize,
    close,
  };
}

async function main(): Promise<void> {
  const variant = process.argv[2];
  const databaseUrl = process.env.BENCH_DATABASE_URL;
  const secret = process.env.BENCH_SECRET;
  if (!variant || !databaseUrl || !secret) throw new Error("usage: prune-job.ts <variant> (BENCH_DATABASE_URL, BENCH_SECRET)");
  const job = await prepare(variant, databaseUrl, secret);
  process.send?.({ type: "ready" });
  await new Promise<void>((resolve) => process.once("message", () => resolve()));
  const before = statementCounts();
  const started = performance.now();
  const { deleted, batches } = await job.prune();
  const ms = performance.now() - started;
  const after = statementCounts();
  const byKind = Object.fromEntries(
    Object.entries(after.byKind)
      .map(([kind, count]) => [kind, count - (before.byKind[kind] ?? 0)] as const)
      .filter(([, count]) => count > 0),
  );
  const result: PruneJobResult = { type: "done", deleted, ms, batches, batchSize: job.batchSize, statements: after.total - before.total, byKind };
  process.send?.(result);
  await job.close();
  process.disconnect?.();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
