import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../../generated/prisma/client.js";
import { SessionManager } from "../../src/index.js";
import type { Contender, ContenderOptions, CreateContender } from "../contender.js";
import { describeManager, sessionrowAdapter, sessionrowMiddlewareOptions } from "./sessionrow-adapter.js";

/**
 * sessionrow on the app's generated Prisma client (prisma/schema.prisma, with the `relationJoins`
 * preview feature), `preloadUser: true` so that session and user come in one JOINed statement.
 */
export const createContender: CreateContender = (context) => sessionrowPrisma(context, { rawSql: true });

/** The contender with its store's statements sent as raw SQL (the default) or through the model API. */
export async function sessionrowPrisma({ databaseUrl, secret }: ContenderOptions, { rawSql }: { rawSql: boolean }): Promise<Contender> {
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
  await prisma.$connect();
  const sessions = SessionManager.fromPrisma(prisma, { secret, preloadUser: true, rawSql });
  return {
    middleware: [sessions.express(sessionrowMiddlewareOptions)],
    session: sessionrowAdapter,
    settings: { manager: describeManager(sessions.options), rawSql, pool: "PrismaPg defaults (pg.Pool, max 10)" },
    close: () => prisma.$disconnect(),
  };
}
