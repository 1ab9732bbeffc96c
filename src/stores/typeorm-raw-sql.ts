import type { DataSource, EntityMetadata, ObjectLiteral } from "typeorm";
import type { UserId } from "../session-store.js";
import { SESSION_COLUMNS } from "./session-row.js";
import type { SessionRowCodec } from "./sql/session-row-codec.js";
import { SessionStatements, type SessionColumn } from "./sql/session-statements.js";
import { SqlSessionRows, type UserDecoder } from "./sql/sql-session-rows.js";
import { typeormExecutor, type TypeORMExecutorOptions } from "./sql/typeorm-executor.js";

/** sessionrow's own statements as raw SQL through a DataSource, and how to read its user entity from them. */
export interface TypeORMRawSql<TUserId extends UserId, TUser> {
  rows: SqlSessionRows<TUserId, TUser>;
  /** Builds the user entity from a joined row's user columns; `null` when TypeORM must load it (see {@link userDecoderFor}). */
  decodeUser: UserDecoder<TUser> | null;
}

/**
 * The raw-SQL path of a TypeORM session entity on PostgreSQL or MySQL/MariaDB: the statements written
 * with the entity's table and column names, values converted by the driver exactly as TypeORM
 * converts them (`preparePersistentValue`, `prepareHydratedValue`).
 */
export function typeormRawSql<TUserId extends UserId, TUser>(
  dataSource: DataSource,
  dialect: "postgres" | "mysql",
  sessions: EntityMetadata,
  users: EntityMetadata,
  userKey: string,
  options: TypeORMExecutorOptions,
): TypeORMRawSql<TUserId, TUser> {
  const columns = Object.fromEntries(SESSION_COLUMNS.map((name) => [name, sessions.findColumnWithPropertyPath(name)!]));
  const statements = new SessionStatements(dialect, sessions.tablePath, {
    columns: Object.fromEntries(SESSION_COLUMNS.map((name) => [name, columns[name]!.databaseName])) as Record<SessionColumn, string>,
    users: { table: users.tablePath, key: userKey },
  });
  const { driver } = dataSource;
  const codec: SessionRowCodec = {
    encode: (column, value) => driver.preparePersistentValue(value, columns[column]!),
    decode: (column, value) => driver.prepareHydratedValue(value, columns[column]!),
  };
  return { rows: new SqlSessionRows(typeormExecutor(dataSource, dialect, options), statements, codec), decodeUser: userDecoderFor<TUser>(dataSource, users) };
}

/**
 * Builds user entities the way TypeORM's query builder hydrates a joined entity: an instance of the
 * entity class with every selected column, converted by the driver. `null` for an entity whose loading
 * does more than that (after-load listeners or subscribers, relation ids or counts, virtual columns,
 * table inheritance): TypeORM loads those users itself.
 */
function userDecoderFor<TUser>(dataSource: DataSource, users: EntityMetadata): UserDecoder<TUser> | null {
  const loadingDoesMore =
    users.afterLoadListeners.length > 0 ||
    dataSource.subscribers.some((subscriber) => typeof subscriber.afterLoad === "function") ||
    users.relationIds.length > 0 ||
    // @RelationCount exists in TypeORM 0.3 only.
    ((users as { relationCounts?: unknown[] }).relationCounts?.length ?? 0) > 0 ||
    users.childEntityMetadatas.length > 0 ||
    users.columns.some((column) => column.isVirtualProperty);
  if (loadingDoesMore) return null;
  const columns = users.columns.filter((column) => column.isSelect && !column.isVirtual);
  return (row) => {
    const user: ObjectLiteral = users.create(undefined, { fromDeserializer: true });
    for (const column of columns) {
      const value = row[column.databaseName];
      if (value !== undefined) column.setEntityValue(user, dataSource.driver.prepareHydratedValue(value, column));
    }
    return user as TUser;
  };
}
