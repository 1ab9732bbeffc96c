/**
 * Applies prisma/migrations to a PostgreSQL database, like `prisma migrate deploy`, without the
 * native schema engine the Prisma CLI would download.
 *
 *     npx tsx scripts/migrate.ts [--url postgresql://user@host:5432/db]
 *
 * Run it from the repository root (as `npm run db:migrate` does). The URL defaults to
 * `DATABASE_URL`; the database must already exist.
 */
import { parseArgs } from "node:util";
import { PrismaPg } from "@prisma/adapter-pg";
import { applyMigrations } from "./lib/prisma-schema-engine.js";

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { url: { type: "string" } } });
  const connectionString = values.url ?? process.env.DATABASE_URL;
  if (!connectionString) throw new Error("No database URL: pass --url or set DATABASE_URL.");

  const applied = await applyMigrations({
    adapterFactory: new PrismaPg({ connectionString }),
    migrationsDir: "prisma/migrations",
    schemaPath: "prisma/schema.prisma",
  });
  console.log(
    applied.length === 0
      ? "No pending migrations to apply."
      : `Applied ${applied.length} migration(s):\n${applied.map((name) => `  ${name}`).join("\n")}`,
  );
}

main().catch((error: unknown) => {
  console.error(`Migration failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
