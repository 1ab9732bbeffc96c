import { randomUUID } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SessionStore } from "../../src/index.js";
import { PrismaStore } from "../../src/prisma.js";
import { PrismaClient } from "../../generated/prisma/client.js";
import { createTestDatabase } from "./postgres.js";

/** A SQL store on a fresh database, with int user ids. */
export interface OpenedStore {
  store: SessionStore<number, { id: number }>;
  createUser(): Promise<number>;
  deleteUser(id: number): Promise<void>;
  /** Environment for a child process to open the same database with {@link openStoreFromEnv}. */
  childEnv: Record<string, string> | null;
  close(): Promise<void>;
}

/** One SQL store x database combination. */
export interface SqlStoreTarget {
  name: string;
  open(): Promise<OpenedStore>;
}

const prismaPostgres: SqlStoreTarget = {
  name: "Prisma on PostgreSQL",
  async open() {
    const db = await createTestDatabase();
    return {
      store: new PrismaStore<number, { id: number }>(db.prisma),
      createUser: async () => (await db.prisma.user.create({ data: { email: `${randomUUID()}@example.com`, name: "U" } })).id,
      deleteUser: async (id) => {
        await db.prisma.user.delete({ where: { id } });
      },
      childEnv: { SESSIONROW_TEST_STORE: "prisma-postgres", SESSIONROW_TEST_URL: db.url },
      close: () => db.drop(),
    };
  },
};

/** Every SQL store x database the reliability tests run on. */
export const sqlStoreTargets: SqlStoreTarget[] = [prismaPostgres];

/** Opens, in a child process, the store a parent's {@link OpenedStore.childEnv} describes. */
export async function openStoreFromEnv(): Promise<{ store: SessionStore<number, { id: number }>; close(): Promise<void> }> {
  const kind = process.env.SESSIONROW_TEST_STORE;
  const url = process.env.SESSIONROW_TEST_URL!;
  if (kind === "prisma-postgres") {
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
    return { store: new PrismaStore<number, { id: number }>(prisma), close: () => prisma.$disconnect() };
  }
  throw new Error(`Unknown SESSIONROW_TEST_STORE ${kind}`);
}
