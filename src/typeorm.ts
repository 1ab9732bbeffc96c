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
export { createSessionMigration, CreateSessionTableMysql, CreateSessionTablePostgres } from "./typeorm/session-migration.js";
export type { SessionMigrationClass, SessionMigrationOptions } from "./typeorm/session-migration.js";
export type { SessionDatabaseType } from "./typeorm/session-table.js";
