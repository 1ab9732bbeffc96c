import type { MiddlewareConsumer } from "@nestjs/common";
import type { ExpressSessionOptions } from "../express/session-middleware.js";
import type { FromPrismaOptions, SessionManager } from "../session-manager.js";
import type { SessionManagerOptions } from "../session-manager-options.js";
import type { PrismaClientLike } from "../stores/prisma-store.js";
import type { TypeORMDataSourceLike, TypeORMStoreOptions } from "../stores/typeorm-store.js";

/** A route the session middleware skips: a path, or `{ path, method }` (Nest's `RouteInfo`). */
export type ExcludedRoute = Parameters<ReturnType<MiddlewareConsumer["apply"]>["exclude"]>[number];

/** Options of {@link SessionModule} besides where sessions are stored: the middleware's options and more. */
export interface SessionModuleHttpOptions extends ExpressSessionOptions {
  /**
   * Routes the session middleware skips (it runs for every other route). A route listed here has no
   * session: `@Session()`, `@CurrentUser()` and `SessionAuthGuard` throw there.
   * @example ["health", { path: "metrics", method: RequestMethod.GET }]
   */
  exclude?: ExcludedRoute[];
  /**
   * Disconnect the Prisma client (`$disconnect()`) or destroy the TypeORM `DataSource` given in these
   * options when the application shuts down. Leave it off (the default) when the client belongs to the
   * rest of the app, e.g. a `PrismaService` or `TypeOrmModule`; turn it on when you created the client
   * for the session module alone, e.g. inside `useFactory`.
   * @default false
   */
  closeClientOnShutdown?: boolean;
}

/** {@link SessionModule} options with a ready {@link SessionManager} (all session policy is the manager's). */
export interface SessionModuleManagerOptions extends SessionModuleHttpOptions {
  /**
   * The manager to use.
   * @example SessionManager.fromPrisma(prisma, { secret: process.env.SESSION_SECRET! })
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a manager of any data, user and user id type
  manager: SessionManager<any, any, any>;
}

/** {@link SessionModule} options that build a manager on the app's generated Prisma client. */
export type SessionModulePrismaOptions = SessionModuleHttpOptions &
  FromPrismaOptions<PrismaClientLike, string> & {
    /** The app's generated Prisma client, e.g. the `PrismaService`. */
    prisma: PrismaClientLike;
  };

/** {@link SessionModule} options that build a manager on a TypeORM `DataSource`. */
export type SessionModuleTypeORMOptions = SessionModuleHttpOptions &
  SessionManagerOptions &
  TypeORMStoreOptions & {
    /** The app's DataSource (with `@nestjs/typeorm`: inject `DataSource`), holding the session entity. */
    dataSource: TypeORMDataSourceLike;
  };

/**
 * Options of `SessionModule.forRoot()` (and what the `useFactory` of `forRootAsync()` returns): where
 * sessions are stored, given as a ready `manager`, a `prisma` client or a TypeORM `dataSource`, next
 * to the manager's options (`secret`, `idleTimeout`, ...) and the middleware's (`cookie`, `transport`, ...).
 *
 * @example
 * ```ts
 * SessionModule.forRoot({ prisma, secret: process.env.SESSION_SECRET!, idleTimeout: "30m" })
 * ```
 */
export type SessionModuleOptions = SessionModuleManagerOptions | SessionModulePrismaOptions | SessionModuleTypeORMOptions;
