import { UseGuards } from "@nestjs/common";
import { SessionAuthGuard } from "./session-auth-guard.js";

/**
 * Requires a logged-in user on a controller or route: `@UseGuards(SessionAuthGuard)` in one word.
 * Anonymous requests get 401 Unauthorized.
 *
 * @example
 * ```ts
 * @RequireUser()
 * @Get("me")
 * me(@CurrentUser() user: User) {}
 * ```
 */
export function RequireUser(): MethodDecorator & ClassDecorator {
  return UseGuards(SessionAuthGuard);
}
