import { Inject, Module, type MiddlewareConsumer, type NestModule, type OnApplicationShutdown } from "@nestjs/common";
import { APP_FILTER, HttpAdapterHost } from "@nestjs/core";
import { sessionMiddleware } from "../express/session-middleware.js";
import { fastifySessions } from "../fastify/fastify-sessions.js";
import type { IncomingMessage } from "node:http";
import { SessionConfigError } from "../errors.js";
import { SessionManager } from "../session-manager.js";
import { createSessionManager } from "./create-session-manager.js";
import { SessionExceptionFilter } from "./session-exception-filter.js";
import { ConfigurableSessionModule, SESSION_MODULE_OPTIONS } from "./session-module-definition.js";
import type { SessionModuleOptions } from "./session-module-options.js";

/**
 * Sessions for a Nest app on the Express or the Fastify platform: provides the {@link SessionManager}
 * and loads the session for every route (the Express middleware, or the Fastify plugin's hooks on
 * `@nestjs/platform-fastify`), so `@Session()`, `@CurrentUser()` and `SessionAuthGuard` work in every
 * controller. Sessions are saved before the response is sent; session errors answer with their
 * own status (409 conflict, 503 database unreachable) through {@link SessionExceptionFilter}.
 *
 * Import it once: `SessionModule.forRoot(options)` with the {@link SessionModuleOptions}, or
 * `SessionModule.forRootAsync({ imports, inject, useFactory })` to build them from other providers
 * (`useClass` and `useExisting` work too, as with any Nest configurable module). Both take
 * {@link SessionModuleExtras} (`isGlobal`, on by default).
 *
 * @example
 * ```ts
 * @Module({
 *   imports: [
 *     SessionModule.forRootAsync({
 *       imports: [PrismaModule],
 *       inject: [PrismaService, ConfigService],
 *       useFactory: (prisma: PrismaService, config: ConfigService) => ({
 *         prisma,
 *         secret: config.getOrThrow("SESSION_SECRET"),
 *       }),
 *     }),
 *   ],
 * })
 * export class AppModule {}
 * ```
 */
@Module({
  providers: [
    { provide: SessionManager, inject: [SESSION_MODULE_OPTIONS], useFactory: createSessionManager },
    { provide: APP_FILTER, useClass: SessionExceptionFilter },
  ],
  exports: [SessionManager],
})
export class SessionModule extends ConfigurableSessionModule implements NestModule, OnApplicationShutdown {
  constructor(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any data, user and user id type
    @Inject(SessionManager) private readonly manager: SessionManager<any, any, any>,
    @Inject(SESSION_MODULE_OPTIONS) private readonly options: SessionModuleOptions,
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
  ) {
    super();
  }

  /**
   * Loads sessions for every route (Nest calls it before it registers routes): on Express, the
   * session middleware on every route but the `exclude`d ones; on Fastify, the plugin's hooks.
   * @throws SessionConfigError on Fastify with `exclude`, `adoptExpressSession` or a Node `SessionTransport`, which need Express.
   */
  configure(consumer: MiddlewareConsumer): void {
    const { transport, cookie, header, readOnly, adoptExpressSession, exclude = [] } = this.options;
    const adapter = this.adapterHost.httpAdapter;
    if (adapter?.getType() === "fastify") {
      if (exclude.length > 0 || adoptExpressSession !== undefined || (typeof transport === "object" && !("readToken" in transport))) {
        throw new SessionConfigError("On the Fastify platform, SessionModule takes no `exclude`, `adoptExpressSession` or Node SessionTransport");
      }
      const fastify = adapter.getInstance<{ register(plugin: unknown, options: unknown): unknown }>();
      const fastifyReadOnly = readOnly === undefined ? undefined : (request: { raw: IncomingMessage }) => readOnly(request.raw);
      fastify.register(fastifySessions, { manager: this.manager, transport, cookie, header, readOnly: fastifyReadOnly });
      return;
    }
    consumer
      .apply(sessionMiddleware(this.manager, { transport, cookie, header, readOnly, adoptExpressSession }))
      .exclude(...exclude)
      .forRoutes("*");
  }

  /** Closes the Prisma client or DataSource of the options when `closeClientOnShutdown` says the module owns it. */
  async onApplicationShutdown(): Promise<void> {
    if (!this.options.closeClientOnShutdown) return;
    if ("prisma" in this.options) await (this.options.prisma as { $disconnect(): Promise<void> }).$disconnect();
    if ("dataSource" in this.options && this.options.dataSource.isInitialized) {
      await (this.options.dataSource as unknown as { destroy(): Promise<void> }).destroy();
    }
  }
}
