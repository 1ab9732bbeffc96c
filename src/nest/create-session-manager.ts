import { SessionConfigError } from "../errors.js";
import { SessionManager } from "../session-manager.js";
import type { SessionModuleOptions } from "./session-module-options.js";

/**
 * The manager of a {@link SessionModuleOptions}: the given `manager`, or one built on the given
 * `prisma` client or TypeORM `dataSource`.
 * @throws SessionConfigError when the options name no manager, client or data source.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a manager of any data, user and user id type
export function createSessionManager(options: SessionModuleOptions): SessionManager<any, any, any> {
  if ("manager" in options && options.manager instanceof SessionManager) return options.manager;
  if ("prisma" in options && options.prisma) return SessionManager.fromPrisma(options.prisma, options);
  if ("dataSource" in options && options.dataSource) return SessionManager.fromTypeORM(options.dataSource, options);
  throw new SessionConfigError(
    "SessionModule needs a `manager` (a SessionManager), a `prisma` client or a TypeORM `dataSource` in its options",
  );
}
