// The pool executor's transaction: committed, or rolled back, and its connection always returned to
// the pool (discarded when it broke); a connection that dies mid-transaction fails the call, not the process.
// Named (prepared) statements outside transactions only.
import { EventEmitter } from "node:events";
import { pgPoolExecutor, type PgPool } from "../../src/stores/sql/pg-pool-executor.js";

/** A pool of one fake connection that records its statements and how it was released. */
function fakePool(failOn?: string) {
  const log: string[] = [];
  const connection = Object.assign(new EventEmitter(), {
    query: async ({ text }: { text: string }) => {
      log.push(text);
      if (text === failOn) throw new Error(`${text} failed`);
      return { rows: [{ n: 1 }], rowCount: 1 };
    },
    release: (error?: Error | boolean) => void log.push(error ? `release(${String((error as Error).message ?? error)})` : "release"),
  });
  const pool: PgPool = { query: connection.query, connect: async () => connection };
  return { pool, connection, log };
}

const BEGIN = "BEGIN; SET LOCAL lock_timeout = '5s'";

describe("pgPoolExecutor transactions", () => {
  it("commits on one connection and returns it to the pool", async () => {
    const { pool, log } = fakePool();
    const result = await pgPoolExecutor(pool).transaction!(async (tx) => tx.run("UPDATE t", []));
    expect(result).toBe(1);
    expect(log).toEqual([BEGIN, "UPDATE t", "COMMIT", "release"]);
  });

  it("rolls back when the work fails, and returns the connection", async () => {
    const { pool, log } = fakePool("UPDATE t");
    await expect(pgPoolExecutor(pool).transaction!(async (tx) => tx.run("UPDATE t", []))).rejects.toThrow("UPDATE t failed");
    expect(log).toEqual([BEGIN, "UPDATE t", "ROLLBACK", "release"]);
  });

  it("discards a connection whose ROLLBACK failed, or that reported an error while checked out", async () => {
    const { pool, log } = fakePool("ROLLBACK");
    await expect(pgPoolExecutor(pool).transaction!(async () => Promise.reject(new Error("work failed")))).rejects.toThrow("work failed");
    expect(log.at(-1)).toBe("release(ROLLBACK failed)");

    const broken = fakePool();
    await pgPoolExecutor(broken.pool).transaction!(async () => void broken.connection.emit("error", new Error("terminated")));
    expect(broken.log.at(-1)).toBe("release(terminated)");
    expect(broken.connection.listenerCount("error")).toBe(0);
  });
});

describe("pgPoolExecutor statements", () => {
  it("names statements outside transactions when asked to, and never those inside one", async () => {
    const names: (string | undefined)[] = [];
    const connection = Object.assign(new EventEmitter(), {
      query: async ({ name }: { name?: string }) => (names.push(name), { rows: [], rowCount: 1 }),
      release: () => {},
    });
    const pool: PgPool = { query: connection.query, connect: async () => connection };
    const executor = pgPoolExecutor(pool, { preparedStatements: true });
    await executor.run("UPDATE t SET n = $1", [1]);
    await executor.transaction!(async (tx) => tx.run("UPDATE t SET n = $1", [2]));
    await pgPoolExecutor(pool).run("UPDATE t SET n = $1", [3]);
    expect(names[0]).toMatch(/^sessionrow_/);
    expect(names.slice(1)).toEqual([undefined, undefined, undefined, undefined]);
  });
});
