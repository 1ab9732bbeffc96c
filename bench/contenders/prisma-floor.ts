import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../../generated/prisma/client.js";
import type { CreateContender } from "../contender.js";
import { referenceSessionId } from "./reference-session-id.js";

/**
 * The Prisma floor: the statement sessionrow + Prisma sends for a read-only request (session joined
 * with its user, `relationLoadStrategy: "join"`), sent through Prisma Client with no session logic.
 * What sessionrow + Prisma could reach at best; the gap to raw pg is Prisma's own cost.
 */
export const createContender: CreateContender = async ({ databaseUrl }) => {
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
  await prisma.$connect();
  return {
    middleware: [],
    read: async (req, res) => {
      const row = await prisma.session.findUnique({
        where: { id: referenceSessionId(req) },
        include: { user: true },
        relationLoadStrategy: "join",
      });
      res.json({ theme: (row?.data as { theme?: string } | undefined)?.theme ?? null, user: row?.user ?? null });
    },
    settings: { pool: "PrismaPg defaults (pg.Pool, max 10)", query: "session.findUnique({ include: { user: true }, relationLoadStrategy: 'join' })" },
    close: () => prisma.$disconnect(),
  };
};
