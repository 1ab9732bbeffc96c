// A plain JavaScript Express app (require, no build step) on TypeORM with EntitySchema entities.
// Serves POST /login and GET /me on an ephemeral port.
const express = require("express");
const { EntitySchema, DataSource } = require("typeorm");
const { SessionManager } = require("sessionrow");
const { createSessionEntity, createSessionMigration } = require("sessionrow/typeorm");
const { PrismaStore } = require("sessionrow/prisma");

if (typeof PrismaStore !== "function") throw new Error("sessionrow/prisma did not load");

/** @type {EntitySchema<{ id: number, email: string }>} */
const User = new EntitySchema({
  name: "User",
  tableName: "user",
  columns: { id: { type: Number, primary: true, generated: true }, email: { type: "varchar" } },
});

class CreateUserTable1700000000000 {
  /** @param {import("typeorm").QueryRunner} queryRunner */
  async up(queryRunner) {
    await queryRunner.query(`CREATE TABLE "user" ("id" SERIAL PRIMARY KEY, "email" varchar NOT NULL)`);
  }
  /** @param {import("typeorm").QueryRunner} queryRunner */
  async down(queryRunner) {
    await queryRunner.query(`DROP TABLE "user"`);
  }
}

async function main() {
  const dataSource = new DataSource({
    type: "postgres",
    url: process.env.DATABASE_URL,
    entities: [User, createSessionEntity(User)],
    migrations: [CreateUserTable1700000000000, createSessionMigration({ type: "postgres" })],
  });
  await dataSource.initialize();
  await dataSource.runMigrations();
  const sessions = SessionManager.fromTypeORM(dataSource, { userEntity: User, secret: "consumer-test-secret-of-32-characters" });

  const app = express();
  app.use(sessions.express());
  app.post("/login", async (req, res) => {
    await req.session.setUser(await dataSource.getRepository(User).save({ email: "ada@example.com" }));
    req.session.set("views", 1);
    res.json({ ok: true });
  });
  app.get("/me", async (req, res) => {
    const user = /** @type {{ email: string } | null} */ (await req.session.user());
    res.json({ email: user?.email ?? null, views: req.session.get("views") });
  });
  const server = app.listen(0, "127.0.0.1", () => {
    const address = server.address();
    console.log(`listening ${typeof address === "object" && address ? address.port : address}`);
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
