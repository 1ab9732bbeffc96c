import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../../generated/prisma/client.js";
import { SessionManager } from "../../src/index.js";
import type { Contender, ContenderOptions, CreateContender } from "../contender.js";
import { describeManager, sessionrowAdapter, sessionrowMiddlewareOptions } from "./sessionrow-adapter.js";

/**
 * sessionrow on the app's generated Prisma client (prisma/schema.prisma, with the `relationJoins`
 * preview feature), `preloadUser: true` so that session and user come in one JOINed statement, as
 * the README sets it up: the client's PrismaPg adapter wraps the app's `pg.Pool`, which sessionrow's
 * statements use directly (`pool`).
 */
export const createContender: CreateContender = (context) => sessionrowPrisma(context, { rawSql: true, sharePool: true });

/**
 * The contender with its store's statements sent as raw SQL (the default) or through the model API,
 * and on the adapter's pool (`pool`) or through the client.
 */
export async function sessionrowPrisma(
  { databaseUrl, secret }: ContenderOptions,
  { rawSql, sharePool }: { rawSql: boolean; sharePool: boolean },
): Promise<Contender> {
  const pool = new pg.Pool({ connectionString: databaseUrl });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  await prisma.$connect();
  const sessions = SessionManager.fromPrisma(prisma, { secret, preloadUser: true, rawSql, ...(sharePool ? { pool } : {}) });
  return {
    middleware: [sessions.express(sessionrowMiddlewareOptions)],
    session: sessionrowAdapter,
    settings: { manager: describeManager(sessions.options), rawSql, pool: `new PrismaPg(pool), pg.Pool defaults (max 10)${sharePool ? "; sessionrow's { pool }" : ""}` },
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
