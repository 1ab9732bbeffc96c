import { Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from "@nestjs/common";
import { sessionOfContext } from "./session-of-context.js";

/**
 * Lets a request through only when its session has a logged-in user; answers 401 Unauthorized otherwise.
 * Checks the session's user foreign key, so it costs no query (a deleted user's sessions are deleted
 * with it by the foreign key's ON DELETE CASCADE).
 *
 * @example
 * ```ts
 * @UseGuards(SessionAuthGuard)
 * @Controller("account")
 * export class AccountController {}
 * ```
 */
@Injectable()
export class SessionAuthGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (sessionOfContext(context).userId === null) throw new UnauthorizedException("Log in first");
    return true;
  }
}
