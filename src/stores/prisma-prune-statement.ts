/** What a generated Prisma client tells about its schema at run time (not part of Prisma's typed API). */
export interface PrismaRuntimeInfo {
  _activeProvider?: string;
  _runtimeDataModel?: {
    models?: Record<
      string,
      { dbName?: string | null; schema?: string | null; fields?: { name: string; dbName?: string | null }[] }
    >;
  };
  /** The driver adapter factory, e.g. `new PrismaPg(config, { schema })`. */
  _engineConfig?: { adapter?: { options?: { schema?: string } } };
}

/** A one-statement batch delete of expired sessions, for `$executeRawUnsafe(sql, now, limit)`. */
export interface PruneStatement {
  sql: string;
}

/**
 * The single DELETE that removes up to `limit` expired rows of the session model, or `null` when
 * the client does not reveal its provider and table names (the store then selects ids and deletes
 * them: two statements). On PostgreSQL, `FOR UPDATE SKIP LOCKED` lets prunes on several hosts take
 * disjoint batches.
 */
export function pruneStatementFor(client: object, delegateName: string): PruneStatement | null {
  const runtime = client as PrismaRuntimeInfo;
  const models = runtime._runtimeDataModel?.models ?? {};
  const modelName = Object.keys(models).find((name) => name.charAt(0).toLowerCase() + name.slice(1) === delegateName);
  if (!modelName) return null;
  const model = models[modelName]!;
  const column = (field: string) => model.fields?.find((candidate) => candidate.name === field)?.dbName ?? field;
  const table = model.dbName ?? modelName;
  // Prisma qualifies its own queries with the model's or the adapter's schema; so must this one.
  const schema = model.schema ?? runtime._engineConfig?.adapter?.options?.schema;
  switch (runtime._activeProvider) {
    case "postgresql":
    case "postgres":
    case "cockroachdb": {
      const [id, expiresAt] = [column("id"), column("expiresAt")].map(quotePostgres);
      const t = schema ? `${quotePostgres(schema)}.${quotePostgres(table)}` : quotePostgres(table);
      return {
        sql: `DELETE FROM ${t} WHERE ${id} IN (SELECT ${id} FROM ${t} WHERE ${expiresAt} <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      };
    }
    case "mysql": {
      const expiresAt = quoteMysql(column("expiresAt"));
      const t = schema ? `${quoteMysql(schema)}.${quoteMysql(table)}` : quoteMysql(table);
      return { sql: `DELETE FROM ${t} WHERE ${expiresAt} <= ? ORDER BY ${expiresAt} LIMIT ?` };
    }
    default:
      return null;
  }
}

function quotePostgres(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function quoteMysql(name: string): string {
  return `\`${name.replaceAll("`", "``")}\``;
}
