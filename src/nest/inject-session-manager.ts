import { Inject } from "@nestjs/common";
import { SessionManager } from "../session-manager.js";

/**
 * Injects the module's {@link SessionManager}, e.g. to list or revoke a user's sessions. The manager is
 * provided under its class, so a constructor parameter typed `SessionManager` is injected without the
 * decorator too; the decorator states the intent and works with any annotation (such as your typed manager).
 *
 * @example
 * ```ts
 * constructor(@InjectSessionManager() private readonly sessions: SessionManager<AppData, User, number>) {}
 * ```
 */
export function InjectSessionManager(): PropertyDecorator & ParameterDecorator {
  return Inject(SessionManager);
}
