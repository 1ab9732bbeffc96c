import { createParamDecorator } from "@nestjs/common";
import { sessionOfContext } from "./session-of-context.js";

/**
 * Injects the logged-in user's row (loaded by foreign key, cached for the request), or `null`. The
 * decorator yields `session.user()`, a promise that Nest settles before calling the handler, so the
 * parameter is the row itself: annotate it with `RequestUser | null` (typed by your `Register`
 * declaration) or your ORM's `User | null`. Behind `SessionAuthGuard` it is never `null`.
 *
 * @example
 * ```ts
 * @Get("me")
 * me(@CurrentUser() user: User | null) {
 *   return user ?? { anonymous: true };
 * }
 * ```
 */
export const CurrentUser = createParamDecorator((_data: unknown, context) => sessionOfContext(context).user());
