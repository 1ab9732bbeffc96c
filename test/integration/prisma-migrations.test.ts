import { readFileSync } from "node:fs";
import { diffMigrationsToSchema, diffSchemaFromEmpty } from "../../scripts/lib/prisma-schema-engine.js";

describe("prisma/migrations", () => {
  it("create exactly what prisma/schema.prisma describes (empty diff)", async () => {
    const diff = await diffMigrationsToSchema("prisma/migrations", "prisma/schema.prisma");
    expect(diff.trim()).toBe("-- This is an empty migration.");
  });
});

describe("prisma/sqlite/migrations", () => {
  it("are what Prisma generates from prisma/sqlite/schema.prisma, with the Json default quoted", async () => {
    // Prisma writes the default of a SQLite Json column unquoted (`DEFAULT {}`), which SQLite rejects.
    const generated = (await diffSchemaFromEmpty("prisma/sqlite/schema.prisma")).replaceAll("DEFAULT {}", "DEFAULT '{}'");
    expect(readFileSync("prisma/sqlite/migrations/20261121000000_init/migration.sql", "utf8")).toBe(generated);
  });
});
