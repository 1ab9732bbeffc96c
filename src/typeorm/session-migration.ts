import type { MigrationInterface, QueryRunner } from "typeorm";
import { SessionConfigError } from "../errors.js";
import { DEFAULT_SESSION_TABLE, sessionDialectOf, sessionTableNames, type SessionDatabaseType } from "./session-table.js";

/** Options of {@link createSessionMigration}. */
export interface SessionMigrationOptions {
  /**
   * The DataSource's database `type`. The migration refuses to run on another database.
   * @example "postgres"
   */
  type: SessionDatabaseType;
  /**
   * The session table, as given to `createSessionEntity`.
   * @default "session"
   */
  tableName?: string;
  /**
   * Your User entity's table.
   * @default "user"
   */
  userTable?: string;
  /**
   * The primary key column of `userTable`.
   * @default "id"
   */
  userPrimaryKey?: string;
  /**
   * SQL type of the `userId` column. The entity gives it the type of your User's primary key
   * without its length, so for a string key write the type TypeORM uses for an unsized string.
   * @default "integer"
   * @example "uuid" // PostgreSQL, MariaDB >= 10.7: @PrimaryGeneratedColumn("uuid")
   * @example "bigint"
   * @example "character varying" // PostgreSQL: @PrimaryColumn() id: string
   * @example "varchar(255)" // MySQL/MariaDB: @PrimaryColumn() id: string, or a uuid key on MySQL
   * @example "varchar" // SQLite: @PrimaryColumn() id: string, or a uuid key
   */
  userIdType?: string;
  /**
   * The migration's name. TypeORM orders migrations by the 13-digit millisecond timestamp it ends
   * with, and this one must run after the migration that creates `userTable`: give a later
   * timestamp if your User table is created after 2026-11-21.
   * @default `Create${PascalCaseTableName}Table1795219200000`
   * @example "CreateSessionTable1798761600000"
   */
  name?: string;
}

/** A migration class TypeORM can list in a DataSource's `migrations`. */
export type SessionMigrationClass = new () => MigrationInterface & {
  /** The migration's name, ending with its 13-digit timestamp (TypeORM records it once run). */
  readonly name: string;
};

/** 2026-11-21T00:00:00Z, the date of sessionrow's first table. */
const RELEASE_TIMESTAMP = 1795219200000;

/**
 * A TypeORM migration creating the session table that `createSessionEntity` describes, with its
 * foreign key to your User table (`ON DELETE CASCADE`) and its indexes; `down` drops it. After
 * `dataSource.runMigrations()`, TypeORM sees no pending schema change for the session entity.
 *
 * @example
 * ```ts
 * const CreateSessionTable = createSessionMigration({ type: "postgres", userIdType: "uuid" });
 * new DataSource({ type: "postgres", entities: [User, Session], migrations: [CreateUserTable, CreateSessionTable] });
 * ```
 */
export function createSessionMigration(options: SessionMigrationOptions): SessionMigrationClass {
  const tableName = options.tableName ?? DEFAULT_SESSION_TABLE;
  const settings = {
    type: options.type,
    tableName,
    userTable: options.userTable ?? "user",
    userPrimaryKey: options.userPrimaryKey ?? "id",
    userIdType: options.userIdType ?? "integer",
  };
  const migrationName = options.name ?? `Create${pascalCase(tableName)}Table${RELEASE_TIMESTAMP}`;
  return class CreateSessionTable implements MigrationInterface {
    readonly name = migrationName;

    async up(queryRunner: QueryRunner): Promise<void> {
      for (const statement of createStatements(settings, escaperFor(queryRunner, settings.type))) await queryRunner.query(statement);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`DROP TABLE ${escaperFor(queryRunner, settings.type)(tableName)}`);
    }
  };
}

/** Creates the table "session" with an integer foreign key to table "user" on PostgreSQL (and PGlite). */
export const CreateSessionTablePostgres: SessionMigrationClass = createSessionMigration({ type: "postgres" });

/** Creates the table "session" with an integer foreign key to table "user" on MySQL or MariaDB. */
export const CreateSessionTableMysql: SessionMigrationClass = createSessionMigration({ type: "mysql" });

/** Creates the table "session" with an integer foreign key to table "user" on SQLite (any TypeORM SQLite driver). */
export const CreateSessionTableSqlite: SessionMigrationClass = createSessionMigration({ type: "better-sqlite3" });

type Settings = Required<Omit<SessionMigrationOptions, "name">>;

function createStatements(settings: Settings, q: (name: string) => string): string[] {
  const names = sessionTableNames(settings.tableName);
  const table = q(settings.tableName);
  const foreignKey =
    `CONSTRAINT ${q(names.userForeignKey)} FOREIGN KEY (${q("userId")}) ` +
    `REFERENCES ${q(settings.userTable)} (${q(settings.userPrimaryKey)}) ON DELETE CASCADE ON UPDATE CASCADE`;
  const dialect = sessionDialectOf(settings.type);
  if (dialect === "sqlite") {
    // SQLite cannot add a foreign key to an existing table: it is declared with the table.
    const timestamp = "datetime NOT NULL";
    return [
      `CREATE TABLE ${table} (
  ${q("id")} varchar(64) NOT NULL,
  ${q("userId")} ${settings.userIdType},
  ${q("data")} text NOT NULL,
  ${q("version")} integer NOT NULL DEFAULT (0),
  ${q("createdAt")} ${timestamp},
  ${q("updatedAt")} ${timestamp},
  ${q("lastSeenAt")} ${timestamp},
  ${q("expiresAt")} ${timestamp},
  ${q("absoluteExpiresAt")} ${timestamp},
  ${q("ipAddress")} varchar(45),
  ${q("userAgent")} varchar(512),
  CONSTRAINT ${q(names.primaryKey)} PRIMARY KEY (${q("id")}),
  ${foreignKey}
)`,
      `CREATE INDEX ${q(names.userIndex)} ON ${table} (${q("userId")})`,
      `CREATE INDEX ${q(names.expiresAtIndex)} ON ${table} (${q("expiresAt")})`,
    ];
  }
  if (dialect === "postgres") {
    const timestamp = "timestamp(3) with time zone NOT NULL";
    return [
      `CREATE TABLE ${table} (
  ${q("id")} character varying(64) NOT NULL,
  ${q("userId")} ${settings.userIdType},
  ${q("data")} jsonb NOT NULL,
  ${q("version")} integer NOT NULL DEFAULT 0,
  ${q("createdAt")} ${timestamp},
  ${q("updatedAt")} ${timestamp},
  ${q("lastSeenAt")} ${timestamp},
  ${q("expiresAt")} ${timestamp},
  ${q("absoluteExpiresAt")} ${timestamp},
  ${q("ipAddress")} character varying(45),
  ${q("userAgent")} character varying(512),
  CONSTRAINT ${q(names.primaryKey)} PRIMARY KEY (${q("id")}),
  ${foreignKey}
)`,
      `CREATE INDEX ${q(names.userIndex)} ON ${table} (${q("userId")})`,
      `CREATE INDEX ${q(names.expiresAtIndex)} ON ${table} (${q("expiresAt")})`,
    ];
  }
  const timestamp = "datetime(3) NOT NULL";
  return [
    `CREATE TABLE ${table} (
  ${q("id")} varchar(64) NOT NULL,
  ${q("userId")} ${settings.userIdType} NULL,
  ${q("data")} json NOT NULL,
  ${q("version")} int NOT NULL DEFAULT 0,
  ${q("createdAt")} ${timestamp},
  ${q("updatedAt")} ${timestamp},
  ${q("lastSeenAt")} ${timestamp},
  ${q("expiresAt")} ${timestamp},
  ${q("absoluteExpiresAt")} ${timestamp},
  ${q("ipAddress")} varchar(45) NULL,
  ${q("userAgent")} varchar(512) NULL,
  PRIMARY KEY (${q("id")}),
  INDEX ${q(names.userIndex)} (${q("userId")}),
  INDEX ${q(names.expiresAtIndex)} (${q("expiresAt")}),
  ${foreignKey}
) ENGINE=InnoDB`,
  ];
}

/** The driver's identifier quoting, after checking the migration was made for this database. */
function escaperFor(queryRunner: QueryRunner, type: SessionDatabaseType): (name: string) => string {
  const actual = queryRunner.connection.options.type;
  if (sessionDialectOf(actual) !== sessionDialectOf(type)) {
    throw new SessionConfigError(`This session table migration was made for ${type}, but the DataSource is ${actual}`);
  }
  return (name) => queryRunner.connection.driver.escape(name);
}

function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}
