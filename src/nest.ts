/**
 * NestJS integration (Express platform): {@link SessionModule}, the `@Session()`, `@CurrentUser()`,
 * `@RequireUser()` and `@InjectSessionManager()` decorators, {@link SessionAuthGuard} and
 * {@link SessionExceptionFilter}.
 * @module sessionrow/nest
 */
export { SessionModule } from "./nest/session-module.js";
export type { SessionModuleExtras } from "./nest/session-module-definition.js";
export { SESSION_MODULE_OPTIONS } from "./nest/session-module-definition.js";
export type {
  ExcludedRoute,
  SessionModuleHttpOptions,
  SessionModuleManagerOptions,
  SessionModuleOptions,
  SessionModulePrismaOptions,
  SessionModuleTypeORMOptions,
} from "./nest/session-module-options.js";
export { Session } from "./nest/session-decorator.js";
export { CurrentUser } from "./nest/current-user-decorator.js";
export { SessionAuthGuard } from "./nest/session-auth-guard.js";
export { SessionExceptionFilter } from "./nest/session-exception-filter.js";
export { RequireUser } from "./nest/require-user-decorator.js";
export { InjectSessionManager } from "./nest/inject-session-manager.js";
export type { RequestUser } from "./nest/request-user.js";
export type { RequestSession } from "./express/request-session.js";
