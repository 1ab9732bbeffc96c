import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/generated/prisma/client";

const cached = globalThis as unknown as { prisma?: PrismaClient };

/** One client per process: `next dev` evaluates this module again on every edit. */
export const prisma = cached.prisma ?? new PrismaClient({ adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL }) });
if (process.env.NODE_ENV !== "production") cached.prisma = prisma;
