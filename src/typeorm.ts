/**
 * The TypeORM store, and the session entity and migration to add to the app's DataSource
 * (`SessionManager.fromTypeORM` builds the store). Loads the app's own `typeorm` (an optional peer dependency).
 * @module sessionrow/typeorm
 */
export { TypeORMStore } from "./stores/typeorm-store.js";
export type {
  EntityClass,
  EntityId,
  TypeORMDataSourceLike,
  TypeORMEntityTarget,
  TypeORMStoreOptions,
  TypeORMUser,
  TypeORMUserId,
} from "./stores/typeorm-store.js";
export { createSessionEntity } from "./typeorm/session-entity.js";
export type { SessionEntity, SessionEntityOptions } from "./typeorm/session-entity.js";
export { createSessionMigration, CreateSessionTableMysql, CreateSessionTablePostgres, CreateSessionTableSqlite } from "./typeorm/session-migration.js";
export type { SessionMigrationClass, SessionMigrationOptions } from "./typeorm/session-migration.js";
export type { SessionDatabaseType } from "./typeorm/session-table.js";
