import type pg from "pg";

/** Sizes of the "Session" table and its indexes, after a load. */
export interface TableSize {
  rows: number;
  insertSeconds: number;
  heapBytes: number;
  toastBytes: number;
  indexBytes: Record<string, number>;
  totalBytes: number;
}

const CHUNK = 100_000;

/**
 * Inserts `rows` sessions into the empty "Session" table prisma/migrations created, with its indexes
 * and foreign key in place (as production grows them: ids are SHA-256 hex, so they arrive in random
 * order), in chunks of 100,000. The rows look like what sessionrow writes for a logged-in browser
 * session: half with a user (two sessions per user, on users added for them), a small JSON object,
 * an IPv4 address, a browser user agent, timestamps spread over the last and next half hour (distinct
 * values, as real traffic writes them; equal ones would let B-tree deduplication shrink the indexes).
 * Then VACUUM ANALYZE and the sizes.
 */
export async function fillAndMeasure(client: pg.Client, rows: number, firstNumber: number): Promise<TableSize> {
  const { rows: users } = await client.query<{ first: number }>(
    `WITH added AS (
       INSERT INTO "User" ("email", "name") SELECT 'size' || i || '@example.com', 'User ' || i FROM generate_series(1, $1::int) AS i RETURNING "id"
     ) SELECT min("id") AS first FROM added`,
    [Math.ceil(rows / 4)],
  );
  const firstUser = users[0]!.first;
  const started = performance.now();
  for (let from = firstNumber; from < firstNumber + rows; from += CHUNK) {
    const to = Math.min(from + CHUNK, firstNumber + rows) - 1;
    await client.query(
      `INSERT INTO "Session" ("id", "userId", "data", "version", "createdAt", "updatedAt", "lastSeenAt", "expiresAt", "absoluteExpiresAt", "ipAddress", "userAgent")
       SELECT encode(sha256(convert_to('size' || i, 'UTF8')), 'hex'),
              CASE WHEN i % 2 = 0 THEN $3::int + ((i - 1) / 4) END,
              jsonb_build_object('theme', 'dark', 'cart', jsonb_build_array(i % 97, i % 89), 'csrf', md5(i::text)),
              i % 5, now() - interval '1 hour', now() - (i % 1800000) * interval '1 millisecond',
              now() - (i % 1800000) * interval '1 millisecond', now() + interval '30 minutes' - (i % 1800000) * interval '1 millisecond',
              now() + interval '7 days' - (i % 1800000) * interval '1 millisecond',
              '203.0.' || (i % 256) || '.' || (i % 251),
              'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
       FROM generate_series($1::int, $2::int) AS i`,
      [from, to, firstUser],
    );
  }
  const insertSeconds = (performance.now() - started) / 1000;
  await client.query('VACUUM ANALYZE "Session"');
  const { rows: sizes } = await client.query<{ heap: string; toast: string; total: string; count: string }>(
    `SELECT pg_relation_size('"Session"') AS heap,
            coalesce(pg_total_relation_size(NULLIF(reltoastrelid, 0)), 0) AS toast,
            pg_total_relation_size('"Session"') AS total,
            (SELECT count(*) FROM "Session") AS count
     FROM pg_class WHERE oid = '"Session"'::regclass`,
  );
  const { rows: indexes } = await client.query<{ name: string; bytes: string }>(
    `SELECT indexrelid::regclass::text AS name, pg_relation_size(indexrelid) AS bytes FROM pg_index WHERE indrelid = '"Session"'::regclass ORDER BY 1`,
  );
  return {
    rows: Number(sizes[0]!.count),
    insertSeconds,
    heapBytes: Number(sizes[0]!.heap),
    toastBytes: Number(sizes[0]!.toast),
    indexBytes: Object.fromEntries(indexes.map((index) => [index.name, Number(index.bytes)])),
    totalBytes: Number(sizes[0]!.total),
  };
}

/** Buffers a primary-key lookup of one session joined with its user touches, from EXPLAIN (ANALYZE, BUFFERS). */
export async function lookupBuffers(client: pg.Client): Promise<{ buffers: number; executionMs: number }> {
  const { rows } = await client.query<{ "QUERY PLAN": [{ Plan: { "Shared Hit Blocks": number; "Shared Read Blocks": number }; "Execution Time": number }] }>(
    `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)
     SELECT s.*, u.* FROM "Session" s LEFT JOIN "User" u ON u.id = s."userId"
     WHERE s.id = encode(sha256(convert_to('size' || 424242, 'UTF8')), 'hex')`,
  );
  const plan = rows[0]!["QUERY PLAN"][0];
  return { buffers: plan.Plan["Shared Hit Blocks"] + plan.Plan["Shared Read Blocks"], executionMs: plan["Execution Time"] };
}
