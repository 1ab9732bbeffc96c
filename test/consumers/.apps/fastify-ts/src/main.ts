// An ESM Fastify app on TypeORM: the sessionrow/fastify plugin, request.session typed through the
// Register declaration. Serves POST /login and GET /me on an ephemeral port.
import "reflect-metadata";
import Fastify from "fastify";
import { SessionManager } from "sessionrow";
import { fastifySessions } from "sessionrow/fastify";
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

declare module "sessionrow" {
  interface Register {
    sessionManager: typeof sessions;
  }
}

const app = Fastify();
await app.register(fastifySessions, { manager: sessions });
app.post("/login", async (request) => {
  const user = await dataSource.getRepository(User).save({ email: "ada@example.com" });
  await request.session.setUser(user);
  request.session.set("views", 1);
  return { ok: true };
});
app.get("/me", async (request) => {
  const user: User | null = await request.session.user();
  const views: number | undefined = request.session.get("views");
  return { email: user?.email ?? null, views };
});
await app.listen({ port: 0, host: "127.0.0.1" });
const address = app.server.address();
console.log(`listening ${typeof address === "object" && address ? address.port : address}`);
