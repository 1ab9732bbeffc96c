import "reflect-metadata";
import { Column, DataSource, Entity, PrimaryColumn, PrimaryGeneratedColumn, type DataSourceOptions, type MigrationInterface, type QueryRunner } from "typeorm";
import { createSessionEntity, createSessionMigration, type SessionDatabaseType } from "../../src/typeorm.js";

/** An app's User entity with an integer primary key. */
@Entity({ name: "user" })
export class User {
  @PrimaryGeneratedColumn({ primaryKeyConstraintName: "user_pkey" })
  id!: number;

  @Column({ type: "varchar", length: 191 })
  email!: string;
}

/** An app's user entity with a uuid primary key. */
@Entity({ name: "account" })
export class Account {
  @PrimaryColumn({ type: "uuid", primaryKeyConstraintName: "account_pkey" })
  id!: string;

  @Column({ type: "varchar", length: 191 })
  email!: string;
}

/** The app's own migration creating its user tables; the session migrations run after it. */
class CreateUserTables1700000000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    const type = queryRunner.connection.options.type;
    if (type === "better-sqlite3" || type === "sqljs") {
      await queryRunner.query(`CREATE TABLE "user" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "email" varchar(191) NOT NULL)`);
      await queryRunner.query(`CREATE TABLE "account" ("id" varchar PRIMARY KEY NOT NULL, "email" varchar(191) NOT NULL)`);
    } else if (type === "postgres") {
      await queryRunner.query(`CREATE TABLE "user" ("id" SERIAL NOT NULL, "email" character varying(191) NOT NULL, CONSTRAINT "user_pkey" PRIMARY KEY ("id"))`);
      await queryRunner.query(`CREATE TABLE "account" ("id" uuid NOT NULL, "email" character varying(191) NOT NULL, CONSTRAINT "account_pkey" PRIMARY KEY ("id"))`);
    } else {
      await queryRunner.query("CREATE TABLE `user` (`id` int NOT NULL AUTO_INCREMENT, `email` varchar(191) NOT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB");
      await queryRunner.query("CREATE TABLE `account` (`id` uuid NOT NULL, `email` varchar(191) NOT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB");
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE account");
    await queryRunner.query(`DROP TABLE ${queryRunner.connection.driver.escape("user")}`);
  }
}

/** The session entities for {@link User} (int ids) and {@link Account} (uuid ids). */
export function sessionEntities(type: SessionDatabaseType) {
  return {
    Session: createSessionEntity(User, { type }),
    AccountSession: createSessionEntity(Account, { type, name: "AccountSession", tableName: "account_session" }),
  };
}

/** A migrated TypeORM DataSource with both session entities. */
export interface TypeORMTestDatabase extends ReturnType<typeof sessionEntities> {
  dataSource: DataSource;
  /** Destroys the DataSource. */
  close(): Promise<void>;
}

/**
 * Connection options: `{ type: "postgres", url }`, `{ type: "mariadb", url, timezone: "Z" }`, PGlite's
 * driver, or a SQLite file through a better-sqlite3 compatible driver.
 */
export type TypeORMConnectionOptions =
  | { type: "postgres"; url?: string; driver?: unknown; installExtensions?: boolean }
  | { type: "mariadb"; url: string; timezone?: string; flags?: string[] }
  | { type: "better-sqlite3"; database: string; driver?: unknown; enableWAL?: boolean; timeout?: number }
  | { type: "sqljs" };

/**
 * Opens a DataSource with the test entities and runs the migrations, as an app would on start-up.
 * `beforeMigrations` runs on the initialized DataSource while its database is still empty.
 */
export async function openTypeORM(
  connection: TypeORMConnectionOptions,
  beforeMigrations?: (dataSource: DataSource) => Promise<void>,
): Promise<TypeORMTestDatabase> {
  const entities = sessionEntities(connection.type);
  const dataSource = new DataSource({
    ...connection,
    entities: [User, Account, entities.Session, entities.AccountSession],
    migrations: [
      CreateUserTables1700000000000,
      createSessionMigration({ type: connection.type }),
      createSessionMigration({
        type: connection.type,
        tableName: "account_session",
        userTable: "account",
        // TypeORM's SQLite drivers store a uuid key as varchar.
        userIdType: connection.type === "better-sqlite3" || connection.type === "sqljs" ? "varchar" : "uuid",
      }),
    ],
  } as DataSourceOptions);
  await dataSource.initialize();
  try {
    await beforeMigrations?.(dataSource);
    await dataSource.runMigrations();
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return { ...entities, dataSource, close: () => dataSource.destroy() };
}
