import type { Session } from "../session.js";
import type { SessionLifecycle } from "../session-lifecycle.js";
import type { UserId } from "../session-store.js";
import { sessionErrorResponse, WebSessions, type WebSessionOptions } from "./web-sessions.js";

/** What the middleware needs of Hono's `Context` (no dependency on Hono itself). */
export interface HonoContextLike {
  /** The request. */
  req: {
    /** The Fetch `Request`. */
    raw: Request;
  };
  /** The response once the handler ran (setting `undefined` drops it, headers included). */
  res: Response | undefined;
  /** Sets a context variable (`c.set("session", session)`). */
  set(key: "session", value: unknown): void;
}

/** Options of {@link honoSessions}. */
export interface HonoSessionOptions extends WebSessionOptions {
  /** Requests whose session is read-only: never written or touched; changing it throws. */
  readOnly?: (request: Request) => boolean;
}

/**
 * Hono middleware: `c.get("session")` in every handler, saved before the response leaves. Type it
 * through Hono's variables: `new Hono<{ Variables: { session: SessionOf<typeof sessions> } }>()`.
 * A store failure answers with its status (503, 409) and a JSON `{ code, message }`, without a
 * session cookie.
 *
 * @example
 * ```ts
 * const app = new Hono<{ Variables: { session: SessionOf<typeof sessions> } }>();
 * app.use(honoSessions(sessions));
 * app.get("/", (c) => c.json({ views: c.get("session").update("views", (n = 0) => n + 1) }));
 * ```
 */
export function honoSessions<Data extends object, TUser, TUserId extends UserId>(
  manager: SessionLifecycle<Data, TUser, TUserId>,
  options: HonoSessionOptions = {},
): (c: HonoContextLike, next: () => Promise<void>) => Promise<Response | void> {
  const web = new WebSessions(manager, options);
  return async (c, next) => {
    let session: Session<Data, TUser, TUserId>;
    try {
      session = await web.load(c.req.raw, { readOnly: options.readOnly?.(c.req.raw) ?? false });
    } catch (error) {
      return sessionErrorResponse(error);
    }
    c.set("session", session);
    await next();
    try {
      c.res = await web.commit(session, c.res ?? new Response(null, { status: 404 }));
    } catch (error) {
      const replacement = sessionErrorResponse(error);
      // Hono copies the old response's headers onto a new one: drop it first, so the route's
      // cookies, Location and caching headers do not ride on the error.
      c.res = undefined;
      c.res = replacement;
    }
  };
}
