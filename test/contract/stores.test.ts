import { randomUUID } from "node:crypto";
import { MemoryStore } from "../../src/index.js";
import { PrismaStore } from "../../src/prisma.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";
import { describeStoreContract } from "./store-contract.js";

function memoryFixture<TUserId extends number | string>(nextId: () => TUserId) {
  return async () => {
    const store = new MemoryStore<TUserId, { id: TUserId }>();
    return {
      store,
      createUser: async () => {
        const id = nextId();
        store.setUser(id, { id });
        return id;
      },
      deleteUser: async (id: TUserId) => store.deleteUser(id),
      close: async () => undefined,
    };
  };
}

let counter = 0;
describeStoreContract("MemoryStore (int user ids)", "int", memoryFixture(() => ++counter));
describeStoreContract("MemoryStore (string user ids)", "string", memoryFixture(() => randomUUID()));

describeStoreContract("PrismaStore on PostgreSQL (int user ids)", "int", async () => {
  const db: TestDatabase = await createTestDatabase();
  return {
    store: new PrismaStore<number, { id: number }>(db.prisma),
    createUser: async () => (await db.prisma.user.create({ data: { email: `${randomUUID()}@example.com`, name: "U" } })).id,
    deleteUser: async (id: number) => {
      await db.prisma.user.delete({ where: { id } });
    },
    close: () => db.drop(),
  };
});

describeStoreContract("PrismaStore on PostgreSQL (string user ids)", "string", async () => {
  const db: TestDatabase = await createTestDatabase();
  return {
    store: new PrismaStore<string, { id: string }>(db.prisma, { sessionModel: "accountSession", userModel: "account" }),
    createUser: async () => (await db.prisma.account.create({ data: { email: `${randomUUID()}@example.com` } })).id,
    deleteUser: async (id: string) => {
      await db.prisma.account.delete({ where: { id } });
    },
    close: () => db.drop(),
  };
});
