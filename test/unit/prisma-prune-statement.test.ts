import { pruneStatementFor } from "../../src/stores/prisma-prune-statement.js";

const client = (provider: string | undefined) => ({
  _activeProvider: provider,
  _runtimeDataModel: {
    models: {
      UserSession: { dbName: "user_sessions", fields: [{ name: "id" }, { name: "expiresAt", dbName: "expires_at" }] },
    },
  },
});

describe("the Prisma one-statement prune", () => {
  it("follows @@map and @map names on PostgreSQL, skipping rows another prune holds", () => {
    expect(pruneStatementFor(client("postgresql"), "userSession")?.sql).toBe(
      'DELETE FROM "user_sessions" WHERE "id" IN (SELECT "id" FROM "user_sessions" WHERE "expires_at" <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED)',
    );
  });

  it("uses DELETE ... ORDER BY ... LIMIT on MySQL and MariaDB", () => {
    expect(pruneStatementFor(client("mysql"), "userSession")?.sql).toBe(
      "DELETE FROM `user_sessions` WHERE `expires_at` <= ? ORDER BY `expires_at` LIMIT ?",
    );
  });

  it("deletes the oldest expired batch through an IN (SELECT ... LIMIT) on SQLite", () => {
    expect(pruneStatementFor(client("sqlite"), "userSession")?.sql).toBe(
      'DELETE FROM "user_sessions" WHERE "id" IN (SELECT "id" FROM "user_sessions" WHERE "expires_at" <= ? ORDER BY "expires_at" LIMIT ?)',
    );
  });

  it("qualifies the table with the adapter's or the model's schema, as Prisma's own queries do", () => {
    const withSchema = { ...client("postgresql"), _engineConfig: { adapter: { options: { schema: "app" } } } };
    expect(pruneStatementFor(withSchema, "userSession")?.sql).toContain('DELETE FROM "app"."user_sessions" WHERE');
    const mapped = client("mysql");
    (mapped._runtimeDataModel.models.UserSession as { schema?: string }).schema = "tenant";
    expect(pruneStatementFor(mapped, "userSession")?.sql).toContain("DELETE FROM `tenant`.`user_sessions` WHERE");
  });

  it("falls back (null) for other databases, unknown models and clients that reveal nothing", () => {
    expect(pruneStatementFor(client("sqlserver"), "userSession")).toBeNull();
    expect(pruneStatementFor(client("postgresql"), "session")).toBeNull();
    expect(pruneStatementFor({}, "session")).toBeNull();
  });
});
