import type { ExecutionContext } from "@nestjs/common";
import { SessionConfigError } from "../errors.js";
import type { RequestSession } from "../express/request-session.js";
import { Session } from "../session.js";

/**
 * The session of the HTTP request being handled.
 * @throws SessionConfigError when the session middleware did not run for this route (no `SessionModule`
 * imported, or the route is in `exclude`).
 */
export function sessionOfContext(context: ExecutionContext): RequestSession {
  const session = context.switchToHttp().getRequest<{ session?: unknown }>().session;
  if (!(session instanceof Session)) {
    throw new SessionConfigError(
      "No sessionrow session on this request: import SessionModule.forRoot() in the app module, and do not exclude this route",
    );
  }
  return session as RequestSession;
}
