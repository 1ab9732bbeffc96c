// An ESM Express app on Prisma 7 (driver adapter, generated client) with its own `npm install` of the
// packed tarball, in a project that also depends on typeorm 0.3 (as Prisma apps that carry TypeORM do):
// installing sessionrow must not trip over the optional typeorm peer. Serves POST /login, GET /me and
// POST /prune (which deletes one expired row it inserts: the store's raw-SQL prune on this Prisma version).
import { readFile } from "node:fs/promises";
import { PrismaPg } from "@prisma/adapter-pg";
import express from "express";
import { SessionManager } from "sessionrow";
import { PrismaClient, type User } from "../generated/prisma/client.js";

const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL }) });
// The app's User table, then the session-only migration shipped in the package (README "Session table SQL").
for (const file of ["../../prisma/migration.sql", "../../node_modules/sessionrow/prisma/session-migration/postgresql/migration.sql"]) {
  const migration = await readFile(new URL(file, import.meta.url), "utf8");
  const statements = migration.split(";").map((sql) => sql.replace(/^\s*--.*$/gm, "").trim());
  for (const statement of statements.filter(Boolean)) await prisma.$executeRawUnsafe(statement);
}

const sessions = SessionManager.fromPrisma(prisma, { secret: "consumer-test-secret-of-32-characters" }).withData<{ views: number }>();

declare module "sessionrow" {
  interface Register {
    sessionManager: typeof sessions;
  }
}

const app = express();
app.use(sessions.express());
app.post("/login", async (req, res) => {
  const user = await prisma.user.create({ data: { email: "ada@example.com" } });
  await req.session.setUser(user);
  req.session.set("views", 1);
  res.json({ ok: true });
});
app.get("/me", async (req, res) => {
  const user: User | null = await req.session.user();
  const views: number | undefined = req.session.get("views");
  res.json({ email: user?.email ?? null, views });
});
app.post("/prune", async (_req, res) => {
  const past = new Date(Date.now() - 60_000);
  await prisma.session.create({ data: { id: "expired-".padEnd(64, "0"), data: {}, expiresAt: past, absoluteExpiresAt: past } });
  res.json({ deleted: await sessions.prune() });
});
const server = app.listen(0, "127.0.0.1", () => {
  const address = server.address();
  console.log(`listening ${typeof address === "object" && address ? address.port : address}`);
});
