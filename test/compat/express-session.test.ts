import { execFile } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import path from "node:path";
import { promisify } from "node:util";
import express from "express";
import session from "express-session";
import request from "supertest";
import { SessionManager } from "../../src/index.js";
import { PrismaStore } from "../../src/prisma.js";
import { TypeORMStore } from "../../src/typeorm.js";
import { createMariaDbDatabase, createMariaDbTestDatabase } from "../support/mariadb.js";
import { createTestDatabase } from "../support/postgres.js";
import { openTypeORM, User, type TypeORMConnectionOptions } from "../support/typeorm.js";
import { describeExpressSessionStore, type ExpressSessionFixture } from "./express-session-scenarios.js";

const run = promisify(execFile);

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

describe("SessionManager.expressSessionStore", () => {
  it("gives express-session a store on the manager's table, keyed by the hash of its id", async () => {
    const db = await createTestDatabase();
    try {
      const sessions = SessionManager.fromPrisma(db.prisma, { secret: "224XhITrbQST1YkRrDXtENR4Zzx6zJ1LsDbK9VWKE3M" });
      const app = express();
      app.use(session({ store: sessions.expressSessionStore(session), secret: "express-session-secret", resave: false, saveUninitialized: false }));
      app.get("/visit", (req, res) => {
        const data = req.session as unknown as { visits?: number };
        data.visits = (data.visits ?? 0) + 1;
        res.json({ visits: data.visits, sid: req.sessionID });
      });
      const first = await request(app).get("/visit");
      const cookie = (first.headers["set-cookie"] as unknown as string[])[0]!.split(";")[0]!;
      const second = await request(app).get("/visit").set("Cookie", cookie);
      expect(second.body.visits).toBe(2);
      const rows = [];
      for await (const row of sessions.iterate()) rows.push(row.id);
      expect(rows).toEqual([createHash("sha256").update(first.body.sid).digest("hex")]);
    } finally {
      await db.drop();
    }
  });
});

describe("expressSessionStore callbacks", () => {
  it("runs them outside the promise chain: a throwing callback is an uncaught exception, as with MemoryStore", async () => {
    const { stdout } = await run(process.execPath, ["--import", "tsx", path.join(__dirname, "fixtures/throwing-callback.ts")], {
      cwd: path.resolve(__dirname, "../.."),
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    expect(stdout.trim()).toBe("uncaughtException: thrown by a callback");
  });
});
