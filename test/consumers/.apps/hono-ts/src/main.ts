// An ESM Hono app on Node and TypeORM: the sessionrow/web middleware, c.get("session") typed through
// Hono's variables. Serves POST /login and GET /me on an ephemeral port.
import "reflect-metadata";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { SessionManager, type SessionOf } from "sessionrow";
import { honoSessions } from "sessionrow/web";
import { createSessionEntity, createSessionMigration } from "sessionrow/typeorm";
import { Column, DataSource, Entity, PrimaryGeneratedColumn, type MigrationInterface, type QueryRunner } from "typeorm";

@Entity({ name: "user" })
export class User {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: "varchar" })
  email!: string;
}

class CreateUserTable1700000000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "user" ("id" SERIAL PRIMARY KEY, "email" varchar NOT NULL)`);
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "user"`);
  }
}

const dataSource = new DataSource({
  type: "postgres",
  url: process.env.DATABASE_URL,
  entities: [User, createSessionEntity(User)],
  migrations: [CreateUserTable1700000000000, createSessionMigration({ type: "postgres" })],
});
await dataSource.initialize();
await dataSource.runMigrations();

const sessions = SessionManager.fromTypeORM<{ views: number }, typeof User>(dataSource, {
  userEntity: User,
  secret: "consumer-test-secret-of-32-characters",
});


const app = new Hono<{ Variables: { session: SessionOf<typeof sessions> } }>();
app.use(honoSessions(sessions));
app.post("/login", async (c) => {
  const user = await dataSource.getRepository(User).save({ email: "ada@example.com" });
  await c.get("session").setUser(user);
  c.get("session").set("views", 1);
  return c.json({ ok: true });
});
app.get("/me", async (c) => {
  const user: User | null = await c.get("session").user();
  const views: number | undefined = c.get("session").get("views");
  return c.json({ email: user?.email ?? null, views });
});
const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => {
  console.log(`listening ${(server.address() as AddressInfo).port}`);
});
