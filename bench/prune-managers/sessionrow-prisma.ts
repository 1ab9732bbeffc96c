import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../../generated/prisma/client.js";
import { SessionManager } from "../../src/index.js";

/** The manager the prune job runs `prune()` on: sessionrow with its Prisma store. */
export async function createManager(databaseUrl: string, secret: string) {
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
  await prisma.$connect();
  return { manager: SessionManager.fromPrisma(prisma, { secret }), close: () => prisma.$disconnect() };
}
