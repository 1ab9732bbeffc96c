// An ESM Express app on TypeORM with its own `npm install` of the packed tarball and the peer versions
// its matrix row names (TypeORM 0.3.20, 0.3.31 or 1.x; Express 4.17.3, 4.x or 5), compiled against
// those versions' type declarations. Serves POST /login and GET /me on an ephemeral port.
import "reflect-metadata";
import express from "express";
import { SessionManager } from "sessionrow";
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
  entities: [User, createSessionEntity(User, { type: "postgres" })],
  migrations: [CreateUserTable1700000000000, createSessionMigration({ type: "postgres" })],
});
await dataSource.initialize();
await dataSource.runMigrations();

const sessions = SessionManager.fromTypeORM(dataSource, {
  userEntity: User,
  secret: "consumer-test-secret-of-32-characters",
}).withData<{ views: number }>();

declare module "sessionrow" {
  interface Register {
    sessionManager: typeof sessions;
  }
}

const app = express();
app.use(sessions.express());
app.post("/login", async (req, res) => {
  const user = await dataSource.getRepository(User).save({ email: "ada@example.com" });
  await req.session.setUser(user);
  req.session.set("views", 1);
  res.json({ ok: true });
});
app.get("/me", async (req, res) => {
  const user: User | null = await req.session.user();
  const views: number | undefined = req.session.get("views");
  res.json({ email: user?.email ?? null, views });
});
const server = app.listen(0, "127.0.0.1", () => {
  const address = server.address();
  console.log(`listening ${typeof address === "object" && address ? address.port : address}`);
});
