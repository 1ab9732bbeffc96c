import { randomUUID } from "node:crypto";
import { PrismaStore } from "../../src/prisma.js";
import { TypeORMStore } from "../../src/typeorm.js";
import { createMariaDbDatabase, createMariaDbTestDatabase } from "../support/mariadb.js";
import { createTestDatabase } from "../support/postgres.js";
import { openTypeORM, User, type TypeORMConnectionOptions } from "../support/typeorm.js";
import { describeExpressSessionStore, type ExpressSessionFixture } from "./express-session-scenarios.js";

async function typeormFixture(connection: TypeORMConnectionOptions, drop: () => Promise<void>): Promise<ExpressSessionFixture> {
  const db = await openTypeORM(connection);
  const users = db.dataSource.getRepository(User);
  return {
    store: new TypeORMStore<number>(db.dataSource, { entity: db.Session }),
    createUser: async () => (await users.save({ email: `${randomUUID()}@example.com` })).id,
    close: async () => {
      await db.close();
      await drop();
    },
  };
}

describeExpressSessionStore("PostgreSQL (PrismaStore)", async () => {
  const db = await createTestDatabase();
  return {
    store: new PrismaStore<number>(db.prisma),
    createUser: async () => (await db.prisma.user.create({ data: { email: `${randomUUID()}@example.com`, name: "U" } })).id,
    close: () => db.drop(),
  };
});

describeExpressSessionStore("PostgreSQL (TypeORMStore)", async () => {
  const db = await createTestDatabase();
  return typeormFixture({ type: "postgres", url: db.url }, () => db.drop());
});

describeExpressSessionStore("MariaDB (PrismaStore)", async () => {
  const db = await createMariaDbTestDatabase();
  return {
    store: new PrismaStore<number>(db.prisma),
    createUser: async () => (await db.prisma.user.create({ data: { email: `${randomUUID()}@example.com`, name: "U" } })).id,
    close: () => db.drop(),
  };
});

describeExpressSessionStore("MariaDB (TypeORMStore)", async () => {
  const db = await createMariaDbDatabase();
  return typeormFixture({ type: "mariadb", url: db.url, timezone: "Z" }, () => db.drop());
});
