import pg from "pg";
import type { CreateContender } from "../contender.js";
import { referenceSessionId } from "./reference-session-id.js";

const SQL =
  'SELECT s."data", u."id", u."email", u."name" FROM "Session" s LEFT JOIN "User" u ON u."id" = s."userId" WHERE s."id" = $1';

/**
 * The floor of any database-backed session: one SELECT by primary key per request, with plain `pg`.
 * It reads sessionrow's own rows (the session and its user, joined) from the sessionrow cookie, with
 * no signature check, expiry logic or write.
 */
export const createContender: CreateContender = async ({ databaseUrl }) => {
  const pool = new pg.Pool({ connectionString: databaseUrl });
  return {
    middleware: [],
    read: async (req, res) => {
      const { rows } = await pool.query(SQL, [referenceSessionId(req)]);
      const row = rows[0];
      res.json({ theme: row?.data?.theme ?? null, user: row ? { id: row.id, email: row.email, name: row.name } : null });
    },
    settings: { pool: "pg.Pool defaults (max 10)", sql: SQL },
    close: () => pool.end(),
  };
};
