import { diffMigrationsToSchema } from "../../scripts/lib/prisma-schema-engine.js";

describe("prisma/migrations", () => {
  it("create exactly what prisma/schema.prisma describes (empty diff)", async () => {
    const diff = await diffMigrationsToSchema("prisma/migrations", "prisma/schema.prisma");
    expect(diff.trim()).toBe("-- This is an empty migration.");
  });
});
