import { SessionConfigError } from "../errors.js";
import { databaseOf, type PrismaDatabase, type RawSqlClient } from "./prisma-dialect.js";
import { pgPoolExecutor, prismaTypeParsers, type PgPool } from "./sql/pg-pool-executor.js";
import { prismaExecutor } from "./sql/prisma-executor.js";
import { prismaPoolProblem } from "./sql/prisma-pool-check.js";
import { pruneStatementFor } from "./sql/prune-statement.js";
import { plainCodec } from "./sql/session-row-codec.js";
import { JOINED_SESSION_PREFIX, SessionStatements } from "./sql/session-statements.js";
import { SqlSessionRows } from "./sql/sql-session-rows.js";
import type { SqlExecutor } from "./sql/sql-executor.js";
import { UserDecodingCheck } from "./sql/user-decoding-check.js";
import { toSessionRecord } from "./session-row.js";
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

/* eslint-disable @typescript-eslint/no-explicit-any -- Prisma's delegate methods are generic per model; only their call shape matters here. */
/** The part of a Prisma model delegate (`prisma.session`) the store calls. */
export interface PrismaDelegate {
  /** Prisma's `findUnique`: one row by a unique field, or `null`. */
  findUnique(args: any): PromiseLike<any>;
  /** Prisma's `findMany`. */
  findMany(args: any): PromiseLike<any[]>;
  /** Prisma's `create`. */
  create(args: any): PromiseLike<unknown>;
  /** Prisma's `updateMany`: one UPDATE, resolving to the number of rows it changed. */
  updateMany(args: any): PromiseLike<{
    /** Rows updated. */
    count: number;
  }>;
  /** Prisma's `deleteMany`: one DELETE, resolving to the number of rows it deleted. */
  deleteMany(args: any): PromiseLike<{
    /** Rows deleted. */
    count: number;
  }>;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Any generated Prisma client (or a transaction client). */
export type PrismaClientLike = object;

/** The scalar fields of a Prisma model, read from its generated delegate type. */
type ModelScalars<D> = D extends { [key: symbol]: unknown }
  ? D[symbol] extends { types: { payload: { scalars: infer S } } }
    ? { [K in keyof S]: S[K] }
    : unknown
  : unknown;

/** The app's generated `User` type, for user model `M` of client `C`. */
export type PrismaUser<C, M extends string> = M extends keyof C ? ModelScalars<C[M]> : unknown;

/** The type of the app's `User.id` (string or number). */
export type PrismaUserId<C, M extends string> = PrismaUser<C, M> extends { id: infer I extends UserId } ? I : UserId;

/** Options of a {@link PrismaStore}. */
export interface PrismaStoreOptions<C = PrismaClientLike, M extends string = string> {
  /**
   * Name of the session model's delegate on the client (`prisma.session`).
   * @default "session"
   */
  sessionModel?: string;
  /**
   * Name of the user model's delegate on the client (`prisma.user`).
   * @default "user"
   */
  userModel?: M & (keyof C | (string & {}));
  /**
   * Name of the relation field from the session model to the user model.
   * @default "user"
   */
  userRelation?: string;
  /**
   * The session table as the database names it, for the one-statement prune (raw SQL): the model's
   * `@@map` name, schema-qualified when Prisma's queries are (`new PrismaPg(config, { schema })`).
   * Prisma has no public API that tells it.
   * @default the model name: `sessionModel` with its first letter upper-cased ("Session", "SrSession")
   * @example { sessionModel: "userSession", tableName: "user_sessions" } // model UserSession { ... @@map("user_sessions") }
   */
  tableName?: string;
  /**
   * The user table as the database names it, for loading a session and its user in one raw-SQL
   * statement: the user model's `@@map` name, schema-qualified when Prisma's queries are.
   * @default the user model's name: `userModel` with its first letter upper-cased ("User")
   */
  userTableName?: string;
  /**
   * Send sessionrow's own statements (load, load with user, insert, version-checked update, touch,
   * delete, and the locked update after a conflict) as hand-written SQL through the client's
   * raw-query API (`$queryRawUnsafe`, `$transaction`) instead of the model API: the same statements,
   * without the query engine's cost per call. On PostgreSQL and MySQL/MariaDB; SQLite and other
   * databases use the model API, and on MySQL/MariaDB users are loaded through the model API. The
   * store checks once that the table has the expected columns, and that the user rows it decodes
   * equal the model's (README "`rawSql`"); where not, it uses the model API and warns. `false` sends
   * everything through the model API, e.g. for client extensions that must see every session query.
   * @default true
   */
  rawSql?: boolean;
  /**
   * The node-postgres pool the client's driver adapter wraps (`new PrismaPg(pool)`), on PostgreSQL:
   * the raw-SQL path then sends sessionrow's own statements straight to it, on the app's own
   * connections, without the cost of Prisma's query engine per statement (README "`rawSql`"). Values
   * are read as Prisma reads them (`DateTime` in UTC, `BigInt` as a BigInt). The statements do not go
   * through the client, so client extensions and Prisma's query logging do not see them. Checked once:
   * a pool that reaches another database, or a user table with columns `pg` reads differently
   * (Decimal, Bytes, time, lists of BigInt or DateTime), sends the statements through the client
   * instead, with one warning (`SESSIONROW_POOL`). Ignored with `rawSql: false`.
   * @example
   * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
   * const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
   * const sessions = SessionManager.fromPrisma(prisma, { secret, pool });
   */
  pool?: PgPool;
  /**
   * Send sessionrow's statements on `pool` as named prepared statements, which PostgreSQL parses and
   * plans once per connection instead of on every call (README "Prepared statements"). Behind a
   * pooler that does not keep them (PgBouncer before 1.21, or with `max_prepared_statements = 0`) the
   * first statement it loses is sent again unnamed, and every later one is sent unnamed. Only with
   * `pool`: the client's raw-query API decides for itself.
   * @default true
   */
  preparedStatements?: boolean;
}

/** sessionrow's own statements as raw SQL through the client, once they are known to fit the database. */
interface RawSqlPath<TUserId extends UserId, TUser> {
  rows: SqlSessionRows<TUserId, TUser>;
  /** The user table answered the joined SELECT. */
  joinsUsers: boolean;
}

const DEFAULT_BATCH_SIZE = 500;

/** The raw-SQL path is not known yet: the database did not answer. */
const RETRY = Symbol("retry");
/** The raw-SQL path does not fit this database or table: the model API sends every statement. */
const MODEL_API = Symbol("model API");

/**
 * Stores sessions with the app's generated Prisma client, on any database Prisma supports. Every
 * method is one statement (`deleteExpired` too, through raw SQL, on PostgreSQL, MySQL/MariaDB and
 * SQLite), but `updateLocked`, a transaction.
 * Multi-process safe: saves are version-checked in the database.
 */
export class PrismaStore<TUserId extends UserId = UserId, TUser = unknown> implements SessionStore<TUserId, TUser> {
  /**
   * Shared safely by every process on the database (saves are version-checked there), and persistent.
   * On SQLite "every process" means the processes of one host sharing the database file, whose
   * writes SQLite serializes with its file lock (give the adapter a busy `timeout`); not several
   * hosts, and not an in-memory database.
   */
  readonly capabilities: StoreCapabilities = { multiProcessSafe: true, persistent: true };
  readonly #sessions: PrismaDelegate;
  readonly #users: PrismaDelegate;
  readonly #userRelation: string;
  readonly #client: Partial<RawSqlClient>;
  readonly #tableName: string;
  /** The database, asked on first use; `null`: one this store writes no SQL for (prune selects ids, then deletes). */
  #database: Promise<PrismaDatabase | null> | undefined;
  /** The answer of {@link describeDatabase}, made once. */
  #described: StoreDatabase | undefined;
  /** The one-statement prune failed on the table or columns (a mapped model without `tableName`): the model API prunes. */
  #rawPruneRefused = false;
  readonly #rawSql: boolean;
  readonly #pool: PgPool | undefined;
  readonly #preparedStatements: boolean;
  readonly #userTableName: string;
  /** The raw-SQL path: not asked yet, being found out, found, or not fit (the model API). */
  #rawSqlPath: Promise<RawSqlPath<TUserId, TUser> | null> | RawSqlPath<TUserId, TUser> | typeof MODEL_API | undefined;
  readonly #userCheck = new UserDecodingCheck(
    "the user rows read by raw SQL differ from the Prisma client's (a field mapped with @map, an omitted field or a client extension); " +
      "loading users through the model API instead. Set { userTableName } if the user model is mapped with @@map.",
  );
  /** `relationLoadStrategy: "join"` needs the app's `relationJoins` preview feature; found out on first use. */
  #joinStrategy: "unknown" | "join" | "unsupported" = "unknown";

  constructor(client: PrismaClientLike, options: PrismaStoreOptions = {}) {
    const sessionModel = options.sessionModel ?? "session";
    const userModel = options.userModel ?? "user";
    this.#sessions = delegate(client, sessionModel, "sessionModel");
    this.#users = delegate(client, userModel, "userModel");
    this.#userRelation = options.userRelation ?? "user";
    this.#client = client as Partial<RawSqlClient>;
    this.#tableName = options.tableName ?? capitalized(sessionModel);
    this.#userTableName = options.userTableName ?? capitalized(userModel);
    this.#rawSql = options.rawSql ?? true;
    this.#pool = options.pool;
    this.#preparedStatements = options.preparedStatements ?? true;
  }

  async load(id: string, options: { withUser?: boolean } = {}): Promise<LoadedSession<TUserId, TUser> | null> {
    const raw = await this.#rawSqlRows();
    if (raw !== null) {
      if (!options.withUser) return raw.rows.load(id);
      if (raw.joinsUsers && !this.#userCheck.refused) return this.#loadWithRawUser(raw.rows, id);
    }
    return this.#modelLoad(id, options);
  }

  #loadWithRawUser(rows: SqlSessionRows<TUserId, TUser>, id: string): Promise<LoadedSession<TUserId, TUser> | null> {
    const keys = this.#userCheck.trusted ? this.#userCheck.keys : undefined;
    return this.#userCheck.load(rows, id, (row) => userColumns(row, keys) as TUser, (userId) => this.loadUser(userId));
  }

  async #modelLoad(id: string, options: { withUser?: boolean }): Promise<LoadedSession<TUserId, TUser> | null> {
    if (!options.withUser) {
      const row = await this.#sessions.findUnique({ where: { id } });
      return row ? { record: toSessionRecord<TUserId>(row) } : null;
    }
    const row = await this.#findWithUser(id);
    if (!row) return null;
    return { record: toSessionRecord<TUserId>(row), user: (row[this.#userRelation] ?? null) as TUser | null };
  }

  async insert(record: SessionRecord<TUserId>): Promise<void> {
    const raw = await this.#rawSqlRows();
    if (raw !== null) return raw.rows.insert(record);
    await this.#sessions.create({ data: { ...record } });
  }

  async updateIfVersion(id: string, expectedVersion: number, update: SessionUpdate<TUserId>): Promise<boolean> {
    const raw = await this.#rawSqlRows();
    if (raw !== null) return raw.rows.updateIfVersion(id, expectedVersion, update);
    const { count } = await this.#sessions.updateMany({
      where: { id, version: expectedVersion, ...liveAt(update.updatedAt) },
      data: {
        id: update.id,
        userId: update.userId,
        data: update.data,
        version: update.version,
        updatedAt: update.updatedAt,
        lastSeenAt: update.lastSeenAt,
        expiresAt: update.expiresAt,
      },
    });
    return count > 0;
  }

  /**
   * On PostgreSQL and MySQL/MariaDB through the raw-SQL path, in an interactive `$transaction`;
   * elsewhere `undefined`, but `false` (nothing written) while the database has not answered which it is.
   */
  async updateLocked(id: string, change: LockedChange<TUserId>): Promise<boolean | undefined> {
    const raw = await this.#rawSqlRows();
    if (raw !== null) return raw.rows.updateLocked(id, change);
    return this.#rawSqlUnknown() ? false : undefined;
  }

  /**
   * On PostgreSQL through the raw-SQL path, one `UPDATE ... RETURNING`; elsewhere `undefined`, but
   * `null` (nothing written) while the database has not answered which it is.
   */
  async mergeUpdate(id: string, merge: SessionMerge): Promise<SessionRecord<TUserId> | null | undefined> {
    const raw = await this.#rawSqlRows();
    if (raw !== null) return raw.rows.mergeUpdate(id, merge);
    return this.#rawSqlUnknown() ? null : undefined;
  }

  async touch(id: string, touch: SessionTouch): Promise<boolean> {
    const raw = await this.#rawSqlRows();
    if (raw !== null) return raw.rows.touch(id, touch);
    const { count } = await this.#sessions.updateMany({
      where: { id, ...liveAt(touch.lastSeenAt) },
      data: { lastSeenAt: touch.lastSeenAt, expiresAt: touch.expiresAt },
    });
    return count > 0;
  }

  async delete(id: string): Promise<void> {
    const raw = await this.#rawSqlRows();
    if (raw !== null) return raw.rows.delete(id);
    // deleteMany, not delete: a missing row is not an error (no P2025 to catch).
    await this.#sessions.deleteMany({ where: { id } });
  }

  async listByUser(userId: TUserId): Promise<SessionRecord<TUserId>[]> {
    const rows = await this.#sessions.findMany({ where: { userId }, orderBy: { createdAt: "desc" } });
    return rows.map((row) => toSessionRecord<TUserId>(row));
  }

  async deleteByUser(userId: TUserId, exceptId?: string): Promise<number> {
    const where = exceptId === undefined ? { userId } : { userId, id: { not: exceptId } };
    const { count } = await this.#sessions.deleteMany({ where });
    return count;
  }

  /**
   * The database and session table for OpenTelemetry, once known: Prisma has no public API that names
   * the database, so {@link describeDatabase} (or the first prune) asks it.
   */
  get database(): StoreDatabase | undefined {
    return this.#described;
  }

  /** Asks the database what it is (`SELECT version()`, once per process) and returns {@link database}. */
  async describeDatabase(): Promise<StoreDatabase | undefined> {
    this.#database ??= this.#askDatabase();
    await this.#database;
    return this.database;
  }

  async deleteExpired(now: Date, limit: number): Promise<number> {
    this.#database ??= this.#askDatabase();
    const database = await this.#database;
    if (database !== null && !this.#rawPruneRefused) {
      try {
        return await this.#client.$executeRawUnsafe!(pruneStatementFor(database.dialect, this.#tableName), now, limit);
      } catch (error) {
        if (!isMissingTable(error)) throw error;
        this.#rawPruneRefused = true;
        process.emitWarning(
          `sessionrow: the one-statement prune found no table "${this.#tableName}" with columns "id" and "expiresAt" ` +
            `(${error instanceof Error ? error.message : String(error)}); pruning through the model API instead (two statements a batch). ` +
            "If the session model is mapped with @@map or a schema, pass { tableName } as the database names it.",
          { code: "SESSIONROW_PRUNE_TABLE" },
        );
      }
    }
    const rows = await this.#sessions.findMany({ where: { expiresAt: { lte: now } }, select: { id: true }, take: limit });
    if (rows.length === 0) return 0;
    const { count } = await this.#sessions.deleteMany({
      where: { id: { in: rows.map((row: { id: string }) => row.id) }, expiresAt: { lte: now } },
    });
    return count;
  }

  /**
   * Whether the raw-SQL path may still be taken: the database did not answer when asked, so this call
   * went through the model API and the next one asks again. Optional writes answer "not written" then,
   * rather than "never on this store".
   */
  #rawSqlUnknown(): boolean {
    return this.#rawSql && this.#rawSqlPath === undefined;
  }

  /** The raw-SQL path, once found out; `null` for the model API. */
  #rawSqlRows(): RawSqlPath<TUserId, TUser> | null | Promise<RawSqlPath<TUserId, TUser> | null> {
    if (!this.#rawSql || this.#rawSqlPath === MODEL_API) return null;
    this.#rawSqlPath ??= this.#findRawSqlPath().then(
      (path) => {
        this.#rawSqlPath = path === RETRY ? undefined : (path ?? MODEL_API);
        return path === RETRY ? null : path;
      },
      (error: unknown) => {
        this.#rawSqlPath = undefined;
        throw error;
      },
    );
    return this.#rawSqlPath;
  }

  /**
   * Whether the raw statements fit: a database sessionrow writes SQL for, and a table that answers
   * them (one SELECT each, once per store). A database that does not answer is asked again next time.
   */
  async #findRawSqlPath(): Promise<RawSqlPath<TUserId, TUser> | null | typeof RETRY> {
    this.#database ??= this.#askDatabase();
    const database = await this.#database;
    // #askDatabase forgets a database that did not answer: the model API this time, ask again next time.
    if (database === null) return this.#database === undefined ? RETRY : null;
    if (database.dialect === "sqlite") return null;
    const statements = new SessionStatements(database.dialect, this.#tableName, { users: { table: this.#userTableName, key: "id" } });
    const executor = await this.#executorFor(database, statements);
    if (!(await answers(executor.rows(statements.load, [""])))) {
      process.emitWarning(
        `sessionrow: the table "${this.#tableName}" does not answer sessionrow's raw SQL (no such table or columns); using the Prisma model API instead. ` +
          "If the session model is mapped with @@map or a schema, pass { tableName } as the database names it.",
        { code: "SESSIONROW_RAW_SQL_TABLE" },
      );
      return null;
    }
    // MySQL/MariaDB raw results carry no type for Boolean (TINYINT(1)) or Json: users come from the model API there.
    const joinsUsers = database.dialect === "postgres" && (await executor.rows(statements.loadWithUser!, [""]).then(() => true, () => false));
    if (database.dialect === "postgres" && !joinsUsers) {
      process.emitWarning(
        `sessionrow: the user table "${this.#userTableName}" does not answer sessionrow's raw SQL (a missing table or no access); loading users through the Prisma model API. ` +
          "If the user model is mapped with @@map or a schema, pass { userTableName } as the database names it.",
        { code: "SESSIONROW_RAW_SQL_TABLE" },
      );
    }
    return { rows: new SqlSessionRows(executor, statements, plainCodec(database.dialect)), joinsUsers };
  }

  /**
   * The app's pg pool where it gave one and it stands in for the client (else a warning), or the
   * client's raw-query API.
   * @throws SessionConfigError for a pool on a database other than PostgreSQL.
   */
  async #executorFor(database: PrismaDatabase, statements: SessionStatements): Promise<SqlExecutor> {
    const client = this.#client as RawSqlClient;
    const pool = this.#pool;
    if (pool === undefined) return prismaExecutor(client, database.dialect);
    if (database.dialect !== "postgres") {
      throw new SessionConfigError(`The option { pool } takes a node-postgres pool, but the Prisma client's database is ${database.system}`);
    }
    // A table that does not exist yet is the table probe's to report.
    const problem = await prismaPoolProblem(pool, client, statements.loadWithUser!).catch((error: unknown) => {
      if (isMissingTable(error)) return null;
      throw error;
    });
    if (problem !== null) {
      process.emitWarning(`sessionrow: ${problem}; sending sessionrow's statements through the Prisma client instead of { pool }.`, { code: "SESSIONROW_POOL" });
      return prismaExecutor(client, database.dialect);
    }
    const pg = await import("pg").catch((error: unknown) => {
      throw new SessionConfigError('The option { pool } needs the "pg" package, which cannot be loaded', { cause: error });
    });
    return pgPoolExecutor(pool, { types: prismaTypeParsers(pg.default.types), preparedStatements: this.#preparedStatements });
  }

  async #askDatabase(): Promise<PrismaDatabase | null> {
    const client = this.#client;
    if (typeof client.$queryRawUnsafe !== "function" || typeof client.$executeRawUnsafe !== "function") return null;
    try {
      const database = await databaseOf(client as RawSqlClient);
      if (database !== null) this.#described = { system: database.system, collection: this.#tableName };
      return database;
    } catch {
      // The database did not answer: prune through the model API this time, and ask again next time.
      this.#database = undefined;
      return null;
    }
  }

  async *iterate(options: IterateOptions<TUserId> = {}): AsyncIterable<SessionRecord<TUserId>> {
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    let after: string | undefined;
    for (;;) {
      const rows = await this.#sessions.findMany({
        where: {
          ...(options.userId === undefined ? {} : { userId: options.userId }),
          ...(after === undefined ? {} : { id: { gt: after } }),
        },
        orderBy: { id: "asc" },
        take: batchSize,
      });
      for (const row of rows) yield toSessionRecord<TUserId>(row);
      if (rows.length < batchSize) return;
      after = rows[rows.length - 1].id as string;
    }
  }

  async loadUser(userId: TUserId): Promise<TUser | null> {
    return ((await this.#users.findUnique({ where: { id: userId } })) ?? null) as TUser | null;
  }

  async #findWithUser(id: string): Promise<Record<string, unknown> | null> {
    const args = { where: { id }, include: { [this.#userRelation]: true } };
    if (this.#joinStrategy === "unsupported") return this.#sessions.findUnique(args);
    try {
      const row = await this.#sessions.findUnique({ ...args, relationLoadStrategy: "join" });
      this.#joinStrategy = "join";
      return row;
    } catch (error) {
      if (this.#joinStrategy === "unknown" && String((error as Error)?.message).includes("relationLoadStrategy")) {
        this.#joinStrategy = "unsupported";
        return this.#sessions.findUnique(args);
      }
      throw error;
    }
  }
}

function capitalized(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** The user's columns of a joined row: `keys`, or before they are known every column but the session's. */
function userColumns(row: Record<string, unknown>, keys: readonly string[] | undefined): Record<string, unknown> {
  const user: Record<string, unknown> = {};
  if (keys !== undefined) for (const key of keys) user[key] = row[key];
  else for (const key in row) if (!key.startsWith(JOINED_SESSION_PREFIX)) user[key] = row[key];
  return user;
}

/** Whether a probe statement ran: `false` when it found no such table or column, the error otherwise. */
async function answers(probe: Promise<unknown>): Promise<boolean> {
  try {
    await probe;
    return true;
  } catch (error) {
    if (isMissingTable(error)) return false;
    throw error;
  }
}

function delegate(client: PrismaClientLike, name: string, option: string): PrismaDelegate {
  const candidate = (client as Record<string, unknown>)[name] as Partial<PrismaDelegate> | undefined;
  if (!candidate || typeof candidate.findUnique !== "function" || typeof candidate.updateMany !== "function") {
    throw new SessionConfigError(
      `The Prisma client has no model delegate "${name}" (${option}); add the Session model to schema.prisma and run prisma generate, or set ${option}`,
    );
  }
  return candidate as PrismaDelegate;
}

/** A raw query's error for a table or column that does not exist (Prisma's code, or the database's in `meta`). */
function isMissingTable(error: unknown): boolean {
  const { code, meta, message } = (error ?? {}) as { code?: unknown; meta?: { code?: unknown }; message?: unknown };
  const codes = new Set(["P2021", "P2022", "42P01", "42703", "1146", "1054"]);
  return codes.has(String(code)) || codes.has(String(meta?.code)) || /(relation|column|table) \S+ does not exist|doesn't exist|unknown column|no such (table|column)/i.test(String(message));
}

/** The condition of a row that has not expired at `now`: a write must not revive an expired session. */
function liveAt(now: Date): { expiresAt: { gt: Date }; absoluteExpiresAt: { gt: Date } } {
  return { expiresAt: { gt: now }, absoluteExpiresAt: { gt: now } };
}
