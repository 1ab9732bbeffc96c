import { randomUUID } from "node:crypto";
import { MemoryStore } from "../../src/index.js";
import { PrismaStore } from "../../src/prisma.js";
import { TypeORMStore } from "../../src/typeorm.js";
import { describeStoreContract } from "./store-contract.js";

// The SQL stores' contract runs in postgres-stores, mariadb-stores and pglite-stores.test.ts.

function memoryFixture<TUserId extends number | string>(nextId: () => TUserId) {
  return async () => {
    const store = new MemoryStore<TUserId, { id: TUserId }>();
    return {
      store,
      database: undefined,
      locksRows: false,
      mergesData: true,
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

describe("store capabilities", () => {
  const delegate = { findUnique: () => null, updateMany: () => ({ count: 0 }) };

  it("MemoryStore is neither multi-process safe nor persistent", () => {
    expect(new MemoryStore().capabilities).toEqual({ multiProcessSafe: false, persistent: false });
  });

  it("the SQL stores are multi-process safe and persistent", () => {
    expect(new PrismaStore({ session: delegate, user: delegate }).capabilities).toEqual({ multiProcessSafe: true, persistent: true });
    for (const type of ["postgres", "mysql", "mariadb"]) {
      // Not initialized: the store reads the entity metadata on first use.
      const dataSource = { options: { type }, isInitialized: false, getRepository: () => undefined };
      expect(new TypeORMStore(dataSource).capabilities).toEqual({ multiProcessSafe: true, persistent: true });
    }
  });
});
