import {
  Column,
  Entity,
  EntitySchema,
  Index,
  JoinColumn,
  ManyToOne,
  type ColumnOptions,
  type JoinColumnOptions,
  type RelationOptions,
} from "typeorm";
import type { SessionRecord, UserId } from "../session-store.js";
import type { EntityClass, EntityId } from "../stores/typeorm-store.js";
import { DEFAULT_SESSION_TABLE, sessionDialectOf, sessionTableNames, type SessionDatabaseType } from "./session-table.js";

/** A session row as TypeORM loads it: a {@link SessionRecord} typed for the user entity, with the relation. */
export interface SessionEntity<TUser = unknown> extends Omit<SessionRecord<EntityId<TUser> & UserId>, "userId"> {
  /** The user's id (the `user` relation's foreign key column), or null for an anonymous session. */
  userId: EntityId<TUser> | null;
  /** The user, when joined. */
  user?: TUser | null;
}

/** Options of {@link createSessionEntity}. */
export interface SessionEntityOptions {
  /**
   * The DataSource's database `type`: `jsonb` and `timestamptz(3)` columns on PostgreSQL (and PGlite),
   * `json` and `datetime(3)` on MySQL/MariaDB; on SQLite (`"better-sqlite3"`, `"sqlite"`, `"sqljs"`)
   * `text` holding JSON and `datetime` holding UTC text with milliseconds.
   * @default "postgres"
   * @example { type: "mariadb" }
   * @example { type: "better-sqlite3" }
   */
  type?: SessionDatabaseType;
  /**
   * Entity name (the class name, for an entity class), for `dataSource.getRepository("Session")`.
   * @default "Session"
   */
  name?: string;
  /**
   * Table name. Give the migration the same one.
   * @default "session"
   */
  tableName?: string;
}

/**
 * The session entity for a TypeORM app: add it to the DataSource's `entities` next to your User.
 *
 * The row has a many-to-one `user` relation to `userEntity` (nullable, `ON DELETE CASCADE`) through
 * the column `userId`, which TypeORM types like the User's primary key (int, bigint, uuid, varchar:
 * the type, not its length). Data is one JSON column; timestamps keep milliseconds. Column, index
 * and constraint names are fixed, so naming strategies do not rename them and the table created by
 * `createSessionMigration` matches the entity exactly.
 *
 * TypeORM relates decorated classes only to decorated classes and `EntitySchema`s only to
 * `EntitySchema`s, so the session entity is made in the same form as `userEntity`: an entity class
 * for a decorated User class, an `EntitySchema` for a User `EntitySchema`.
 *
 * @param userEntity your User entity: its decorated class or its `EntitySchema`.
 * @example
 * ```ts
 * export const Session = createSessionEntity(User);               // PostgreSQL
 * export const Session = createSessionEntity(User, { type: "mariadb" });
 * const dataSource = new DataSource({ type: "postgres", entities: [User, Session], migrations: [...] });
 * ```
 */
export function createSessionEntity<TUser extends object>(
  userEntity: EntityClass<TUser>,
  options?: SessionEntityOptions,
): new () => SessionEntity<TUser>;
export function createSessionEntity<TUser extends object>(
  userEntity: EntitySchema<TUser>,
  options?: SessionEntityOptions,
): EntitySchema<SessionEntity<TUser>>;
export function createSessionEntity<TUser extends object>(
  userEntity: EntityClass<TUser> | EntitySchema<TUser>,
  options: SessionEntityOptions = {},
): (new () => SessionEntity<TUser>) | EntitySchema<SessionEntity<TUser>> {
  const name = options.name ?? "Session";
  const tableName = options.tableName ?? DEFAULT_SESSION_TABLE;
  const names = sessionTableNames(tableName);
  const columns = sessionColumns(options.type ?? "postgres", names.primaryKey);
  const relation: RelationOptions = { nullable: true, onDelete: "CASCADE", onUpdate: "CASCADE" };
  const joinColumn: JoinColumnOptions = { name: "userId", foreignKeyConstraintName: names.userForeignKey };
  const indices = [
    { name: names.userIndex, columns: ["userId"] },
    { name: names.expiresAtIndex, columns: ["expiresAt"] },
  ];
  if (typeof userEntity !== "function") {
    return new EntitySchema<SessionEntity<TUser>>({
      name,
      tableName,
      columns,
      relations: { user: { type: "many-to-one", target: userEntity, joinColumn, ...relation } },
      indices,
    });
  }
  const target = { [name]: class {} }[name] as new () => SessionEntity<TUser>;
  Entity({ name: tableName })(target);
  for (const [property, column] of Object.entries(columns)) Column(column)(target.prototype, property);
  ManyToOne(() => userEntity, relation)(target.prototype, "user");
  JoinColumn(joinColumn)(target.prototype, "user");
  for (const index of indices) Index(index.name, index.columns)(target);
  return target;
}

/** The stored columns, with explicit names so that naming strategies keep them as they are. */
function sessionColumns(type: SessionDatabaseType, primaryKey: string): Record<string, ColumnOptions> {
  const dialect = sessionDialectOf(type);
  const timestamp = (name: string): ColumnOptions => {
    if (dialect === "postgres") return { name, type: "timestamptz", precision: 3 };
    // SQLite takes no precision; TypeORM writes "YYYY-MM-DD HH:MM:SS.SSS" in UTC either way.
    if (dialect === "sqlite") return { name, type: "datetime" };
    return { name, type: "datetime", precision: 3 };
  };
  // "simple-json" (a text column) reads and writes JSON on TypeORM 0.3 and 1.x alike.
  const json = { postgres: "jsonb", mysql: "json", sqlite: "simple-json" }[dialect ?? "mysql"] as ColumnOptions["type"];
  return {
    id: { name: "id", type: "varchar", length: 64, primary: true, primaryKeyConstraintName: primaryKey },
    // TypeORM replaces this type with the one of the User primary key the `user` relation joins.
    userId: { name: "userId", type: "int", nullable: true },
    data: { name: "data", type: json },
    version: { name: "version", type: "int", default: 0 },
    createdAt: timestamp("createdAt"),
    updatedAt: timestamp("updatedAt"),
    lastSeenAt: timestamp("lastSeenAt"),
    expiresAt: timestamp("expiresAt"),
    absoluteExpiresAt: timestamp("absoluteExpiresAt"),
    ipAddress: { name: "ipAddress", type: "varchar", length: 45, nullable: true },
    userAgent: { name: "userAgent", type: "varchar", length: 512, nullable: true },
  };
}
