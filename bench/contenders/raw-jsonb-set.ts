import pg from "pg";
import type { CreateContender } from "../contender.js";
import { referenceSessionId } from "./reference-session-id.js";

const INCREMENT_SQL = `UPDATE "Session" SET "data" = jsonb_set("data", '{count}', to_jsonb(COALESCE(("data"->>'count')::int, 0) + 1)) WHERE "id" = $1`;
const COUNT_SQL = `SELECT COALESCE(("data"->>'count')::int, 0) AS "count" FROM "Session" WHERE "id" = $1`;

/**
 * The floor of an increment that cannot be lost: ONE atomic `UPDATE ... jsonb_set` per request on
 * sessionrow's row, with plain `pg` (PostgreSQL's row lock serializes concurrent increments, from
 * any number of processes). The row is the one the request's sessionrow cookie names, with no
 * signature check, expiry logic or version column. A missing row answers 404, so that an increment
 * that changed nothing is not counted as a 2xx.
 */
export const createContender: CreateContender = async ({ databaseUrl }) => {
  const pool = new pg.Pool({ connectionString: databaseUrl });
  return {
    middleware: [],
    increment: async (req, res) => {
      const { rowCount } = await pool.query(INCREMENT_SQL, [referenceSessionId(req)]);
      res.status(rowCount === 1 ? 200 : 404).json({ ok: rowCount === 1 });
    },
    count: async (req, res) => {
      const { rows } = await pool.query<{ count: number }>(COUNT_SQL, [referenceSessionId(req)]);
      res.json({ count: rows[0]?.count ?? 0 });
    },
    settings: { pool: "pg.Pool defaults (max 10)", increment: INCREMENT_SQL, count: COUNT_SQL },
    close: () => pool.end(),
  };
};
