import type { StoreDatabase } from "../session-store.js";
import type { PrismaRuntimeInfo } from "./prisma-prune-statement.js";

/** OpenTelemetry's `db.system.name` for each Prisma provider. */
const SYSTEMS: Record<string, string> = {
  postgresql: "postgresql",
  postgres: "postgresql",
  cockroachdb: "cockroachdb",
  mysql: "mysql",
  sqlite: "sqlite",
  sqlserver: "microsoft.sql_server",
};

/**
 * The database system and session table (schema-qualified when the model or the adapter names a
 * schema) of a generated Prisma client, or `undefined` when the client does not reveal them.
 */
export function prismaDatabaseOf(client: object, delegateName: string): StoreDatabase | undefined {
  const runtime = client as PrismaRuntimeInfo;
  const system = SYSTEMS[runtime._activeProvider ?? ""];
  const models = runtime._runtimeDataModel?.models ?? {};
  const modelName = Object.keys(models).find((name) => name.charAt(0).toLowerCase() + name.slice(1) === delegateName);
  if (system === undefined || modelName === undefined) return undefined;
  const model = models[modelName]!;
  const table = model.dbName ?? modelName;
  const schema = model.schema ?? runtime._engineConfig?.adapter?.options?.schema;
  return { system, collection: schema ? `${schema}.${table}` : table };
}
