import connectPgSimple from "connect-pg-simple";
import session from "express-session";
import pg from "pg";
import type { CreateContender } from "../contender.js";
import { expressSessionAdapter, expressSessionOptions, expressSessionSettings } from "./express-session-adapter.js";

/**
 * express-session + connect-pg-simple on the app's own `pg.Pool` (the README's recommended
 * `pool` option), default table `session` created from the package's table.sql, default
 * `pruneSessionInterval` (15 minutes). The user row is read with the same pool.
 */
export const createContender: CreateContender = async ({ databaseUrl, secret }) => {
  const pool = new pg.Pool({ connectionString: databaseUrl });
  const PgStore = connectPgSimple(session);
  const store = new PgStore({ pool });
  const loadUser = async (id: number) =>
    (await pool.query('SELECT "id", "email", "name" FROM "User" WHERE "id" = $1', [id])).rows[0] ?? null;
  return {
    middleware: [session(expressSessionOptions(store, secret))],
    session: expressSessionAdapter(loadUser),
    settings: { expressSession: expressSessionSettings, store: { pool: "pg.Pool defaults (max 10)", tableName: "session" } },
    close: async () => {
      await store.close();
      await pool.end();
    },
  };
};
