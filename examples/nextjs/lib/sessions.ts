import { SessionManager, verifyRequestOrigin } from "sessionrow";
import { WebSessions } from "sessionrow/web";
import { prisma } from "./prisma";

const create = () => new WebSessions(SessionManager.fromPrisma(prisma, { secret: process.env.SESSION_SECRET! }));
let cached: ReturnType<typeof create> | undefined;

/**
 * The app's sessions, made on first use rather than on import: `next build` imports every route
 * without the runtime's secrets, and the manager refuses to start without its secret.
 */
export const webSessions = () => (cached ??= create());

export type AppSession = Awaited<ReturnType<ReturnType<typeof webSessions>["load"]>>;

/**
 * A route handler with the request's session (`WebSessions.handle`): loaded before `handler` runs,
 * saved with its cookie set on the response before the response leaves; a store outage (503) or a
 * conflicting write (409) answers with its status and no session cookie.
 *
 * Server actions check where a request comes from; route handlers do not, so a POST from another
 * site is refused here (403) before it can use the visitor's cookie.
 */
export function withSession<Context>(
  handler: (session: AppSession, request: Request, context: Context) => Response | Promise<Response>,
): (request: Request, context: Context) => Promise<Response> {
  return async (request, context) => {
    if (!verifyRequestOrigin(request.method, request.headers)) {
      return Response.json({ code: "SESSION_CSRF_REJECTED" }, { status: 403 });
    }
    return webSessions().handle(request, (session) => handler(session, request, context));
  };
}

/** The session of a server action or Server Component, from the cookie `cookies()` holds. */
export function loadFromCookies(store: { get(name: string): { value: string } | undefined }, options: { readOnly?: boolean } = {}) {
  return webSessions().loadFromCookies(store, options);
}
