import type { RawSqlClient } from "../prisma-dialect.js";
import type { PgPool } from "./pg-pool-executor.js";

/**
 * PostgreSQL types that `pg`, with {@link prismaTypeParsers}, reads as Prisma's client reads them:
 * Boolean, Int, BigInt, Float, String, Json, DateTime and Date (`timestamp`, `timestamptz`, `date`),
 * and lists of most of them. Not `numeric` (Prisma: Decimal), `bytea` (Uint8Array), `time`, nor
 * lists of BigInt or DateTime.
 */
const PRISMA_ALIKE_TYPES: ReadonlySet<number> = new Set([
  16, 19, 20, 21, 23, 25, 114, 700, 701, 1042, 1043, 1082, 1114, 1184, 2950, 3802,
  // bool[], json[], int2[], int4[], text[], bpchar[], varchar[], float4[], float8[], uuid[], jsonb[]
  1000, 199, 1005, 1007, 1009, 1014, 1015, 1021, 1022, 2951, 3807,
]);
/** OIDs from here on are the database's own types (enums, domains, composites). */
const FIRST_USER_TYPE = 16384;

/**
 * Why the app's `pool` cannot stand in for the Prisma client's raw queries, or `null` when it can:
 * it must reach the database the client reaches (same database, server and schema path: the same
 * pool the client's PrismaPg adapter wraps, not a copy from a second `pg` package that the adapter
 * would take for a config), and the joined user row must hold only types `pg` reads as Prisma does
 * (enums included).
 * @param loadWithUser the SELECT of a session joined with its user, run once with no match.
 */
export async function prismaPoolProblem(pool: PgPool, client: RawSqlClient, loadWithUser: string): Promise<string | null> {
  const where = "SELECT current_database() AS database, inet_server_port() AS port, current_setting('search_path') AS path";
  const [[viaClient], { rows: [viaPool] }] = await Promise.all([client.$queryRawUnsafe(where) as Promise<Record<string, unknown>[]>, pool.query({ text: where, values: [] })]);
  if (JSON.stringify(viaClient) !== JSON.stringify(viaPool)) {
    return `the pool reaches another database than the Prisma client (${JSON.stringify(viaPool)} against ${JSON.stringify(viaClient)}); pass the pool the client's PrismaPg adapter wraps`;
  }
  const { fields = [] } = await pool.query({ text: loadWithUser, values: [""] });
  const userTypes = fields.filter((field) => !PRISMA_ALIKE_TYPES.has(field.dataTypeID));
  const candidates = userTypes.filter((field) => field.dataTypeID >= FIRST_USER_TYPE).map((field) => field.dataTypeID);
  const { rows: enums } = candidates.length === 0 ? { rows: [] } : await pool.query({ text: "SELECT oid FROM pg_type WHERE oid = ANY($1) AND typtype = 'e'", values: [candidates] });
  const enumTypes = new Set(enums.map((row) => Number(row.oid)));
  const unlike = userTypes.filter((field) => !enumTypes.has(field.dataTypeID)).map((field) => field.name);
  return unlike.length === 0
    ? null
    : `pg reads the user table's column(s) ${unlike.join(", ")} differently from Prisma (Decimal, Bytes, time or list types)`;
}
