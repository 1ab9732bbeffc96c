import type {
  DataSource,
  DeleteQueryBuilder,
  EntityMetadata,
  EntityTarget,
  ObjectLiteral,
  Repository,
  UpdateQueryBuilder,
} from "typeorm";
import { SessionConfigError } from "../errors.js";
import { SESSION_COLUMNS, toSessionRecord } from "./session-row.js";
import { matchedRows } from "./sql/matched-rows.js";
import type { SqlDialect } from "./sql/sql-executor.js";
import { sessionDialectOf } from "../typeorm/session-table.js";
import { UserDecodingCheck } from "./sql/user-decoding-check.js";
import { typeormRawSql, type TypeORMRawSql } from "./typeorm-raw-sql.js";
import type {
  IterateOptions,
  LoadedSession,
  LockedChange,
  SessionRecord,
  SessionStore,
  SessionMerge,
  SessionTouch,
  SessionUpdate,
  StoreCapabilities,
  StoreDatabase,
  UserId,
} from "../session-store.js";

/** A class whose instances are `T` (a decorated TypeORM entity class). */
export type EntityClass<T = object> = abstract new (...args: never) => T;

/**
 * Anything TypeORM accepts as an entity: a class, an `EntitySchema`, or an entity name. Typed
 * structurally, so the package root never imports typeorm.
 */
export type TypeORMEntityTarget =
  | EntityClass
  | {
      /** An `EntitySchema`'s options. */
      readonly options: {
        /** The entity's name. */
        readonly name: string;
      };
    }
  | string;

/* eslint-disable @typescript-eslint/no-explicit-any -- any DataSource must be assignable, whatever its generics. */
/** The part of a TypeORM `DataSource` the store relies on; a real `DataSource` fits. */
export interface TypeORMDataSourceLike {
  /** The DataSource's options. */
  readonly options: {
    /** The database type (`"postgres"`, `"mariadb"`, `"mysql"`, `"better-sqlite3"`, ...). */
    readonly type: string;
    /** SQLite: the database file, or `":memory:"`. */
    readonly database?: unknown;
    /** `sqljs`: the file the in-memory database is saved to. */
    readonly location?: unknown;
    /** `sqljs`: whether every change is saved to `location`. */
    readonly autoSave?: unknown;
  };
  /** Whether `initialize()` has completed: the store reads entity metadata once it has. */
  readonly isInitialized: boolean;
  /** The repository of an entity. */
  getRepository(target: any): unknown;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** The app's User entity type, read from the class given as `userEntity`. */
export type TypeORMUser<U> = U extends EntityClass<infer T> ? T : unknown;

/** The type of a User entity's `id` (string or number). */
export type EntityId<TUser> = TUser extends { id: infer I extends UserId } ? I : UserId;

/** The type of the app's `User.id`, for the class given as `userEntity`. */
export type TypeORMUserId<U> = EntityId<TypeORMUser<U>>;

/** Options of a {@link TypeORMStore} (and of `SessionManager.fromTypeORM`). */
export interface TypeORMStoreOptions<U extends TypeORMEntityTarget | undefined = TypeORMEntityTarget | undefined> {
  /**
   * The session entity (as made by `createSessionEntity`). When omitted, the store looks for the one
   * entity of the DataSource with the session columns and a `user` relation (to `userEntity`, if given).
   * @example { entity: Session }
   */
  entity?: TypeORMEntityTarget;
  /**
   * The app's User entity. Give the class to have `session.user()` typed as it, and to pick the
   * session entity when the DataSource has several.
   * @example { userEntity: User }
   */
  userEntity?: U;
  /**
   * Send sessionrow's own statements (load, load with user, insert, version-checked update, touch,
   * delete) as hand-written SQL on the DataSource's pool instead of the query builder: straight to
   * the driver's pool, or through a query runner where the app watches queries (logging, a logger of
   * its own, a query subscriber); the same statements and values, without the builder's cost per
   * call. On PostgreSQL and MySQL/MariaDB; SQLite uses the query builder. Users are built from the joined row as the query
   * builder builds them, checked once against TypeORM's own (README "`rawSql`"); a User entity
   * with after-load listeners or subscribers, relation ids or counts, or virtual columns is loaded by
   * TypeORM. `false` sends everything through the query builder, e.g. for subscribers that must see
   * the session entity's updates.
   * @default true
   */
  rawSql?: boolean;
  /**
   * On PostgreSQL, send the raw-SQL path's statements as named prepared statements, which the server
   * parses and plans once per connection instead of on every call (README "Prepared statements").
   * Behind a pooler that does not keep them (PgBouncer before 1.21, or with
   * `max_prepared_statements = 0`) the first statement it loses is sent again unnamed, and every later
   * one is sent unnamed. Statements sent through a query runner (where the app watches queries) are
   * sent as TypeORM sends them.
   * @default true
   */
  preparedStatements?: boolean;
}

/** What a store needs to know about the session entity, resolved from the DataSource's metadata. */
interface SessionTable {
  sessions: Repository<ObjectLiteral>;
  users: Repository<ObjectLiteral>;
  /** Escaped table path and column names for hand-written SQL. */
  sql: { table: string; id: string; version: string; userId: string; expiresAt: string; absoluteExpiresAt: string };
  /** Property name of the User primary key. */
  userKey: string;
  /** The table (with its schema, if any) and the database, as telemetry reports them. */
  database: StoreDatabase;
  /** sessionrow's own statements as raw SQL, or `null` for the query builder. */
  raw: TypeORMRawSql<UserId, unknown> | null;
}


const DEFAULT_BATCH_SIZE = 500;

/**
 * Stores sessions with TypeORM, on PostgreSQL (also PGlite), MySQL/MariaDB or SQLite. Every method
 * but `updateLocked` (one transaction) is one statement: the user is loaded with a `LEFT JOIN`,
 * saves are version-checked `UPDATE`s, and
 * expired rows are deleted in batches by one `DELETE` (`... IN (SELECT ... FOR UPDATE SKIP LOCKED)`
 * on PostgreSQL, `DELETE ... ORDER BY ... LIMIT` on MySQL/MariaDB, `... IN (SELECT ... LIMIT)` on
 * SQLite, whose writers take turns anyway). Multi-process safe, except on SQLite through `sqljs`
 * or an in-memory database (see {@link TypeORMStore.capabilities}).
 *
 * It needs no import of typeorm: it receives the app's DataSource and reads the session entity's
 * metadata from it, on first use if the DataSource is not initialized yet.
 *
 * On MySQL/MariaDB, give the DataSource `timezone: "Z"` so DATETIME columns hold UTC; with the
 * driver's default (`"local"`) they hold the server process's local time. Update counts are taken
 * from "Rows matched", so they are right even when the connection reports changed rows only
 * (`flags: ["-FOUND_ROWS"]`).
 *
 * @example
 * ```ts
 * const store = new TypeORMStore<number, User>(dataSource, { entity: Session });
 * ```
 */
export class TypeORMStore<TUserId extends UserId = UserId, TUser = unknown> implements SessionStore<TUserId, TUser> {
  /**
   * PostgreSQL and MySQL/MariaDB: shared safely by every process and host. SQLite file databases
   * (`better-sqlite3`, `sqlite`): shared safely by the processes of one host, whose writes SQLite
   * serializes with its file lock (not across hosts: network file systems break that lock).
   * SQLite `:memory:` and `sqljs` (a copy of the database in the process's memory, written back
   * whole): one process only, and `:memory:` is not persistent.
   */
  readonly capabilities: StoreCapabilities;
  readonly #dataSource: DataSource;
  readonly #options: TypeORMStoreOptions;
  readonly #dialect: SqlDialect;
  #table: SessionTable | undefined;
  readonly #userCheck = new UserDecodingCheck(
    "the user entities read by raw SQL differ from TypeORM's own; loading users through the query builder instead.",
  );

  /**
   * @param dataSource the app's DataSource, with the session entity among its `entities`.
   * @throws SessionConfigError for a database other than PostgreSQL, MySQL/MariaDB or SQLite, or (when the
   * DataSource is initialized) when no suitable session entity is found.
   */
  constructor(dataSource: TypeORMDataSourceLike, options: TypeORMStoreOptions = {}) {
    this.#dataSource = dataSource as DataSource;
    this.#options = options;
    this.#dialect = dialectOf(dataSource.options.type);
    this.capabilities = capabilitiesOf(dataSource.options);
    if (dataSource.isInitialized) this.#resolve();
  }

  async load(id: string, options: { withUser?: boolean } = {}): Promise<LoadedSession<TUserId, TUser> | null> {
    const raw = this.#raw();
    if (raw !== null) {
      if (!options.withUser) return raw.rows.load(id);
      if (raw.decodeUser !== null && !this.#userCheck.refused) return this.#loadWithRawUser(raw, id);
    }
    const query = this.#resolve().sessions.createQueryBuilder("session").where("session.id = :id", { id });
    if (options.withUser) query.leftJoinAndSelect("session.user", "user");
    const row = await query.getOne();
    if (!row) return null;
    const record = toSessionRecord<TUserId>(row);
    return options.withUser ? { record, user: (row.user ?? null) as TUser | null } : { record };
  }

  #loadWithRawUser(raw: TypeORMRawSql<TUserId, TUser>, id: string): Promise<LoadedSession<TUserId, TUser> | null> {
    return this.#userCheck.load(raw.rows, id, raw.decodeUser!, (userId) => this.loadUser(userId));
  }

  async insert(record: SessionRecord<TUserId>): Promise<void> {
    const raw = this.#raw();
    if (raw !== null) return raw.rows.insert(record);
    await this.#resolve().sessions.createQueryBuilder().insert().values({ ...record }).updateEntity(false).execute();
  }

  async updateIfVersion(id: string, expectedVersion: number, update: SessionUpdate<TUserId>): Promise<boolean> {
    const raw = this.#raw();
    if (raw !== null) return raw.rows.updateIfVersion(id, expectedVersion, update);
    const table = this.#resolve();
    const query = table.sessions
      .createQueryBuilder()
      .update()
      .set({ ...update })
      .where(`${table.sql.id} = :id AND ${table.sql.version} = :expectedVersion`, { id, expectedVersion })
      .andWhere(...liveAt(table, update.updatedAt));
    return (await this.#count(query)) > 0;
  }

  /**
   * On PostgreSQL and MySQL/MariaDB through the raw-SQL path, in `dataSource.transaction`. `undefined`
   * on SQLite, with `rawSql: false`, and on PGlite through typeorm-pglite, whose query runners share
   * one connection, so that transactions do not isolate.
   */
  async updateLocked(id: string, change: LockedChange<TUserId>): Promise<boolean | undefined> {
    if (sharesOneConnection(this.#dataSource)) return undefined;
    return this.#raw()?.rows.updateLocked(id, change);
  }

  /** On PostgreSQL through the raw-SQL path, one `UPDATE ... RETURNING`; elsewhere `undefined`. */
  async mergeUpdate(id: string, merge: SessionMerge): Promise<SessionRecord<TUserId> | null | undefined> {
    return this.#raw()?.rows.mergeUpdate(id, merge);
  }

  async touch(id: string, touch: SessionTouch): Promise<boolean> {
    const raw = this.#raw();
    if (raw !== null) return raw.rows.touch(id, touch);
    const table = this.#resolve();
    const query = table.sessions
      .createQueryBuilder()
      .update()
      .set({ lastSeenAt: touch.lastSeenAt, expiresAt: touch.expiresAt })
      .where(`${table.sql.id} = :id`, { id })
      .andWhere(...liveAt(table, touch.lastSeenAt));
    return (await this.#count(query)) > 0;
  }

  async delete(id: string): Promise<void> {
    const raw = this.#raw();
    if (raw !== null) return raw.rows.delete(id);
    const table = this.#resolve();
    await table.sessions.createQueryBuilder().delete().where(`${table.sql.id} = :id`, { id }).execute();
  }

  async listByUser(userId: TUserId): Promise<SessionRecord<TUserId>[]> {
    const rows = await this.#resolve()
      .sessions.createQueryBuilder("session")
      .where("session.userId = :userId", { userId })
      .orderBy("session.createdAt", "DESC")
      .getMany();
    return rows.map((row) => toSessionRecord<TUserId>(row));
  }

  async deleteByUser(userId: TUserId, exceptId?: string): Promise<number> {
    const table = this.#resolve();
    const query = table.sessions.createQueryBuilder().delete().where(`${table.sql.userId} = :userId`, { userId });
    if (exceptId !== undefined) query.andWhere(`${table.sql.id} <> :exceptId`, { exceptId });
    return this.#count(query);
  }

  async deleteExpired(now: Date, limit: number): Promise<number> {
    const raw = this.#raw();
    // The raw prune counts by the driver's row count; on typeorm-pglite, the query builder counts
    // from RETURNING, whatever its PGlite version reports.
    if (raw !== null && !sharesOneConnection(this.#dataSource)) return raw.rows.deleteExpired(now, limit);
    const table = this.#resolve();
    const { table: name, id, expiresAt } = table.sql;
    if (this.#dialect === "sqlite") {
      // One writer at a time on SQLite: nothing to skip. The query builder writes `now` as TypeORM
      // stores datetimes ("YYYY-MM-DD HH:MM:SS.SSS", UTC), so the text comparison is chronological.
      const query = table.sessions
        .createQueryBuilder()
        .delete()
        .where(`${id} IN (SELECT ${id} FROM ${name} WHERE ${expiresAt} <= :now ORDER BY ${expiresAt} LIMIT :limit)`, { now, limit });
      return this.#count(query);
    }
    if (this.#dialect === "mysql") {
      // MySQL/MariaDB reject LIMIT in an IN (subquery), but take it on DELETE itself.
      const result = await this.#dataSource.query(`DELETE FROM ${name} WHERE ${expiresAt} <= ? ORDER BY ${expiresAt} LIMIT ?`, [now, limit]);
      return matchedRows(result);
    }
    // SKIP LOCKED: parallel pruners take disjoint batches instead of waiting on each other's rows.
    const query = table.sessions
      .createQueryBuilder()
      .delete()
      .where(`${id} IN (SELECT ${id} FROM ${name} WHERE ${expiresAt} <= :now LIMIT :limit FOR UPDATE SKIP LOCKED)`, { now, limit });
    return this.#count(query);
  }

  async *iterate(options: IterateOptions<TUserId> = {}): AsyncIterable<SessionRecord<TUserId>> {
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    let after: string | undefined;
    for (;;) {
      const query = this.#resolve().sessions.createQueryBuilder("session").orderBy("session.id", "ASC").limit(batchSize);
      if (options.userId !== undefined) query.andWhere("session.userId = :userId", { userId: options.userId });
      if (after !== undefined) query.andWhere("session.id > :after", { after });
      const rows = await query.getMany();
      for (const row of rows) yield toSessionRecord<TUserId>(row);
      if (rows.length < batchSize) return;
      after = rows[rows.length - 1]!.id as string;
    }
  }

  async loadUser(userId: TUserId): Promise<TUser | null> {
    const table = this.#resolve();
    const user = await table.users
      .createQueryBuilder("user")
      .where(`user.${table.userKey} = :userId`, { userId })
      .getOne();
    return (user ?? null) as TUser | null;
  }

  /**
   * Runs an UPDATE or DELETE and returns how many rows it matched, in one statement. PostgreSQL:
   * counted from `RETURNING` (the PGlite driver reports no row count). MySQL/MariaDB: from the
   * server's "Rows matched", since `affectedRows` counts only changed rows when the connection lacks
   * CLIENT_FOUND_ROWS, and a touch may write the values a row already holds.
   */
  async #count(query: UpdateQueryBuilder<ObjectLiteral> | DeleteQueryBuilder<ObjectLiteral>): Promise<number> {
    if (this.#dialect === "postgres") {
      const result = await query.returning(["id"]).execute();
      return (result.raw as unknown[]).length;
    }
    // SQLite counts the rows an UPDATE matched, written or not.
    if (this.#dialect === "sqlite") return (await query.execute()).affected ?? 0;
    const [sql, parameters] = query.getQueryAndParameters();
    return matchedRows(await this.#dataSource.query(sql, parameters));
  }

  /** The database and session table, once the DataSource is initialized. */
  get database(): StoreDatabase | undefined {
    return this.#dataSource.isInitialized ? this.#resolve().database : undefined;
  }

  #resolve(): SessionTable {
    this.#table ??= resolveSessionTable(this.#dataSource, this.#options, this.#dialect);
    return this.#table;
  }

  #raw(): TypeORMRawSql<TUserId, TUser> | null {
    return this.#resolve().raw as TypeORMRawSql<TUserId, TUser> | null;
  }
}

/** typeorm-pglite's driver: every query runner gets the same PGlite connection (its pool is `PGlitePool`). */
function sharesOneConnection(dataSource: DataSource): boolean {
  const driver = (dataSource.options as { driver?: { Pool?: { name?: unknown } } }).driver;
  return driver?.Pool?.name === "PGlitePool";
}

/** The condition of a row that has not expired at `now`: a write must not revive an expired session. */
function liveAt(table: SessionTable, now: Date): [string, { liveAt: Date }] {
  return [`${table.sql.expiresAt} > :liveAt AND ${table.sql.absoluteExpiresAt} > :liveAt`, { liveAt: now }];
}

function dialectOf(type: string): SqlDialect {
  const dialect = sessionDialectOf(type);
  if (dialect === null) {
    throw new SessionConfigError(`TypeORMStore supports PostgreSQL, MySQL/MariaDB and SQLite DataSources, not "${type}"`);
  }
  return dialect;
}

function capabilitiesOf(options: TypeORMDataSourceLike["options"]): StoreCapabilities {
  if (options.type === "sqljs") return { multiProcessSafe: false, persistent: Boolean(options.location && options.autoSave) };
  if (sessionDialectOf(options.type) === "sqlite" && (options.database === ":memory:" || options.database === "")) {
    return { multiProcessSafe: false, persistent: false };
  }
  return { multiProcessSafe: true, persistent: true };
}

/** Finds and checks the session entity's metadata: the columns the store writes and a `user` relation. */
function resolveSessionTable(dataSource: DataSource, options: TypeORMStoreOptions, dialect: SqlDialect): SessionTable {
  const candidates =
    options.entity !== undefined
      ? [metadataOf(dataSource, options.entity)]
      : dataSource.entityMetadatas.filter((metadata) => problemWith(metadata, options.userEntity) === null);
  if (candidates.length !== 1) {
    const which = options.userEntity === undefined ? "" : " whose user relation targets userEntity";
    throw new SessionConfigError(
      candidates.length === 0
        ? `The DataSource has no session entity${which}: add createSessionEntity(User) to its entities, or pass { entity }`
        : `The DataSource has several session entities${which}; pass { entity } to choose one`,
    );
  }
  const metadata = candidates[0]!;
  const problem = problemWith(metadata, options.userEntity);
  if (problem !== null) throw new SessionConfigError(`Entity ${metadata.name} cannot store sessions: ${problem}`);
  const relation = metadata.findRelationWithPropertyPath("user")!;
  const escape = (name: string) => dataSource.driver.escape(name);
  const column = (property: string) => escape(metadata.findColumnWithPropertyPath(property)!.databaseName);
  const userKey = relation.joinColumns[0]!.referencedColumn!;
  const rawSql = (options.rawSql ?? true) && dialect !== "sqlite";
  return {
    sessions: dataSource.getRepository(metadata.target),
    users: dataSource.getRepository(relation.inverseEntityMetadata.target),
    sql: {
      table: metadata.tablePath.split(".").map(escape).join("."),
      id: column("id"),
      version: column("version"),
      userId: column("userId"),
      expiresAt: column("expiresAt"),
      absoluteExpiresAt: column("absoluteExpiresAt"),
    },
    userKey: userKey.propertyName,
    database: {
      system: systemOf(dataSource.options.type),
      collection: metadata.tablePath,
      ...databaseName(dataSource),
    },
    raw: rawSql
      ? typeormRawSql(dataSource, dialect as "postgres" | "mysql", metadata, relation.inverseEntityMetadata, userKey.databaseName, {
          preparedStatements: options.preparedStatements ?? true,
        })
      : null,
  };
}

/** OpenTelemetry's `db.system.name` for a DataSource type. */
function systemOf(type: string): string {
  const dialect = dialectOf(type);
  return dialect === "postgres" ? "postgresql" : dialect === "sqlite" ? "sqlite" : type;
}

/** `db.namespace`: the DataSource's database name, when its options give one. */
function databaseName(dataSource: DataSource): { namespace?: string } {
  const { database } = dataSource.options as { database?: unknown };
  return typeof database === "string" ? { namespace: database } : {};
}

function metadataOf(dataSource: DataSource, entity: TypeORMEntityTarget): EntityMetadata {
  const target = entity as EntityTarget<ObjectLiteral>;
  if (!dataSource.hasMetadata(target)) {
    throw new SessionConfigError("The session entity given as { entity } is not among the DataSource's entities");
  }
  return dataSource.getMetadata(target);
}

/** Why `metadata` cannot be a session entity, or null when it can. */
function problemWith(metadata: EntityMetadata, userEntity: TypeORMEntityTarget | undefined): string | null {
  const missing = SESSION_COLUMNS.filter((property) => !metadata.findColumnWithPropertyPath(property));
  if (missing.length > 0) return `no column ${missing.join(", ")}`;
  const relation = metadata.findRelationWithPropertyPath("user");
  if (!relation?.isManyToOne || relation.joinColumns[0]?.propertyName !== "userId") {
    return "no many-to-one relation `user` joined by the column `userId`";
  }
  if (userEntity !== undefined && !targets(relation.inverseEntityMetadata, userEntity)) return "its `user` relation targets another entity";
  return null;
}

function targets(metadata: EntityMetadata, entity: TypeORMEntityTarget): boolean {
  if (typeof entity === "string") return metadata.name === entity;
  if (typeof entity === "function") return metadata.target === entity;
  return metadata.name === entity.options.name;
}
