import { PrismaSessionStore } from "@quixo3/prisma-session-store";
import { PrismaPg } from "@prisma/adapter-pg";
import session from "express-session";
import { PrismaClient } from "../generated/prisma/client.js";
import type { CreateContender } from "../contender.js";
import { expressSessionAdapter, expressSessionOptions, expressSessionSettings } from "./express-session-adapter.js";

/** The store options from prisma-session-store's README. */
const STORE_OPTIONS = { checkPeriod: 2 * 60 * 1000, dbRecordIdIsSessionId: true, dbRecordIdFunction: undefined };

/**
 * express-session + @quixo3/prisma-session-store on a Prisma 7 client generated from
 * bench/prisma/schema.prisma (the README's `Session` model), with the README's options. The user
 * row is read with the same client.
 */
export const createContender: CreateContender = async ({ databaseUrl, secret }) => {
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
  await prisma.$connect();
  const store = new PrismaSessionStore(prisma, STORE_OPTIONS);
  const loadUser = (id: number) => prisma.user.findUnique({ where: { id } });
  return {
    middleware: [session(expressSessionOptions(store, secret))],
    session: expressSessionAdapter(loadUser),
    settings: { expressSession: expressSessionSettings, store: { ...STORE_OPTIONS, pool: "PrismaPg defaults (pg.Pool, max 10)" } },
    close: async () => {
      await store.shutdown();
      await prisma.$disconnect();
    },
  };
};
