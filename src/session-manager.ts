import { expressSessionStore, type ExpressSessionModule, type ExpressSessionStoreMethods } from "./compat/express-session-store.js";
import type { ExpressSessionStoreOptions } from "./compat/express-session-store-options.js";
import { sessionMiddleware, type ExpressSessionOptions, type SessionMiddleware } from "./express/session-middleware.js";
import type { LoadOptions } from "./load-options.js";
import type { SessionData } from "./session.js";
import { SessionCore } from "./session-core.js";
import type { SessionManagerOptions } from "./session-manager-options.js";
import type { UserId } from "./session-store.js";
import { PrismaStore, type PrismaClientLike, type PrismaStoreOptions, type PrismaUser, type PrismaUserId } from "./stores/prisma-store.js";
import {
  TypeORMStore,
  type TypeORMDataSourceLike,
  type TypeORMEntityTarget,
  type TypeORMStoreOptions,
  type TypeORMUser,
  type TypeORMUserId,
} from "./stores/typeorm-store.js";

export type { LoadOptions };

/** Options of {@link SessionManager.fromPrisma}. */
export type FromPrismaOptions<C, M extends string> = SessionManagerOptions & PrismaStoreOptions<C, M>;

/**
 * The session manager apps use: {@link SessionCore} (the lifecycle and the admin verbs, where all
 * session policy lives) with the constructors for Prisma and TypeORM and the methods that hand the
 * manager to the Express middleware and the express-session bridge. Those adapters depend on the
 * core's `SessionLifecycle` interface, never on this class.
 *
 * @example
 * ```ts
 * const sessions = SessionManager.fromPrisma(prisma, { secret: process.env.SESSION_SECRET! });
 * app.use(sessions.express());
 * ```
 */
export class SessionManager<Data extends object = SessionData, TUser = unknown, TUserId extends UserId = UserId> extends SessionCore<
  Data,
  TUser,
  TUserId
> {
  /**
   * A manager storing sessions with the app's generated Prisma client. `user()` returns the client's
   * generated `User` type.
   *
   * @example
   * ```ts
   * const sessions = SessionManager.fromPrisma(prisma, { secret: process.env.SESSION_SECRET! });
   * // typed data: SessionManager.fromPrisma<{ views: number }, typeof prisma>(prisma, {...})
   * ```
   */
  static fromPrisma<Data extends object = SessionData, C extends PrismaClientLike = PrismaClientLike, M extends string = "user">(
    client: C,
    options: FromPrismaOptions<C, M>,
  ): SessionManager<Data, PrismaUser<C, M>, PrismaUserId<C, M>> {
    return new SessionManager<Data, PrismaUser<C, M>, PrismaUserId<C, M>>(
      new PrismaStore<PrismaUserId<C, M>, PrismaUser<C, M>>(client, options),
      options,
    );
  }

  /**
   * A manager storing sessions with TypeORM, through the app's DataSource (PostgreSQL or
   * MySQL/MariaDB) and the entity made by `createSessionEntity` (from "sessionrow/typeorm").
   * `user()` returns the `userEntity` class's type.
   *
   * @example
   * ```ts
   * const sessions = SessionManager.fromTypeORM(dataSource, { userEntity: User, secret: process.env.SESSION_SECRET! });
   * const user = await session.user(); // User | null
   * ```
   */
  static fromTypeORM<Data extends object = SessionData, U extends TypeORMEntityTarget | undefined = undefined>(
    dataSource: TypeORMDataSourceLike,
    options: SessionManagerOptions & TypeORMStoreOptions<U>,
  ): SessionManager<Data, TypeORMUser<U>, TypeORMUserId<U>> {
    return new SessionManager<Data, TypeORMUser<U>, TypeORMUserId<U>>(
      new TypeORMStore<TypeORMUserId<U>, TypeORMUser<U>>(dataSource, options),
      options,
    );
  }

  /**
   * This manager, typed with session data `D`: a way to type the data of a manager made by
   * {@link fromPrisma} or {@link fromTypeORM} without repeating the client's type.
   *
   * @example
   * ```ts
   * const sessions = SessionManager.fromPrisma(prisma, { secret }).withData<{ views: number; cart: string[] }>();
   * ```
   */
  withData<D extends object>(): SessionManager<D, TUser, TUserId> {
    return this as unknown as SessionManager<D, TUser, TUserId>;
  }

  /**
   * An express-session `Store` on this manager's table and policy (expiry, touch throttling, store
   * timeout, data size limit, events), for apps that keep express-session while they migrate: pass
   * the `express-session` module itself (sessionrow never loads it). See the README's "Migrating
   * from express-session".
   *
   * @example
   * ```ts
   * import session from "express-session";
   * app.use(session({ store: sessions.expressSessionStore(session), secret, resave: false, saveUninitialized: false }));
   * ```
   */
  expressSessionStore<M extends ExpressSessionModule>(
    session: M,
    options: ExpressSessionStoreOptions = {},
  ): InstanceType<M["Store"]> & ExpressSessionStoreMethods {
    return expressSessionStore(session, this, options);
  }

  /**
   * Express middleware: `req.session` on every request, saved before the response is sent.
   * @example app.use(sessions.express({ cookie: { hostPrefix: true } }))
   */
  express(options: ExpressSessionOptions = {}): SessionMiddleware {
    return sessionMiddleware(this, options);
  }
}
