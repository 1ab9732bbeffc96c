import { createParamDecorator } from "@nestjs/common";
import { sessionOfContext } from "./session-of-context.js";

/**
 * Injects the request's session. Annotate the parameter with `RequestSession` (typed by your `Register`
 * declaration) or with the `Session` type of your manager.
 *
 * @example
 * ```ts
 * @Get("count")
 * count(@Session() session: RequestSession) {
 *   return { views: session.update("views", (n = 0) => n + 1) };
 * }
 * ```
 */
export const Session = createParamDecorator((_data: unknown, context) => sessionOfContext(context));
