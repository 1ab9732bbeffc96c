import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  // The session table's migrations are the repository's own.
  migrations: { path: "../../prisma/migrations" },
  // `env("DATABASE_URL")` would make `prisma generate` fail when the variable is unset.
  datasource: { url: process.env.DATABASE_URL ?? "" },
});
