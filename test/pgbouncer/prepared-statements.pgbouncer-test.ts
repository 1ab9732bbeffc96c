// Named prepared statements behind PgBouncer in transaction pooling: a statement prepared on one
// server connection and bound on another, or prepared again where another client prepared it, is
// sent again unnamed and answers; where the pooler keeps prepared statements (1.21+ with
// max_prepared_statements), they stay named.
import pg from "pg";
import { PreparedStatements, type PgStatement } from "../../src/stores/sql/prepared-statements.js";
import { poolerKeepsPreparedStatements, poolerUrl } from "../support/pgbouncer.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";

let db: TestDatabase;
let keepsPrepared: boolean;
const pools: pg.Pool[] = [];

beforeAll(async () => {
  if (poolerUrl() === undefined) throw new Error("This suite runs through PgBouncer: run it with jest --config jest.pgbouncer.config.js");
  db = await createTestDatabase();
  keepsPrepared = await poolerKeepsPreparedStatements(poolerUrl()!);
});
afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end()));
  await db?.drop();
});

/** A client connection to PgBouncer of its own (a pool of one). */
function clientConnection(): pg.Pool {
  const pool = new pg.Pool({ connectionString: db.url, max: 1 });
  pools.push(pool);
  return pool;
}

const TEXT = "SELECT $1::int + 1 AS n";
const sendOn = (pool: pg.Pool) => async (statement: PgStatement) => (await pool.query<{ n: number }>(statement)).rows[0]!.n;

it("answers a statement bound on a server connection where it was never prepared, and warns once where the pooler lost it", async () => {
  const warn = jest.spyOn(process, "emitWarning").mockImplementation(() => undefined);
  const app = clientConnection();
  const statements = new PreparedStatements(true);
  expect(await statements.send(sendOn(app), { text: TEXT, values: [1] })).toBe(2);
  // Another client's open transaction holds the server connection the statement was prepared on
  // (PgBouncer hands out the most recently used one), so the next bind goes to another.
  const blocker = await clientConnection().connect();
  try {
    await blocker.query("BEGIN");
    await blocker.query("SELECT 1");
    expect(await statements.send(sendOn(app), { text: TEXT, values: [2] })).toBe(3);
    expect(statements.enabled).toBe(keepsPrepared);
    expect(warn.mock.calls.filter(([, options]) => (options as { code?: string })?.code === "SESSIONROW_PREPARED_STATEMENTS")).toHaveLength(keepsPrepared ? 0 : 1);
  } finally {
    warn.mockRestore();
    await blocker.query("ROLLBACK");
    blocker.release();
  }
});

it("answers a statement prepared where another client prepared it", async () => {
  const first = new PreparedStatements(true);
  expect(await first.send(sendOn(clientConnection()), { text: TEXT, values: [1] })).toBe(2);
  // A new client connection on the server connection just released, which has the name.
  const second = new PreparedStatements(true);
  expect(await second.send(sendOn(clientConnection()), { text: TEXT, values: [5] })).toBe(6);
  expect(second.enabled).toBe(keepsPrepared);
});

it("answers every one of many statements on many client connections over few server connections", async () => {
  const app = new pg.Pool({ connectionString: db.url, max: 40 });
  pools.push(app);
  const statements = new PreparedStatements(true);
  const texts = [TEXT, "SELECT $1::int + 2 AS n", "SELECT $1::int + 3 AS n"];
  const answers = await Promise.all(Array.from({ length: 600 }, (_, i) => statements.send(sendOn(app), { text: texts[i % 3]!, values: [i] })));
  expect(answers).toEqual(Array.from({ length: 600 }, (_, i) => i + 1 + (i % 3)));
});
