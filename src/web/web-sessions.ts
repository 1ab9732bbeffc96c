import { SessionError } from "../errors.js";
import type { LoadOptions } from "../load-options.js";
import type { Session } from "../session.js";
import type { SessionLifecycle } from "../session-lifecycle.js";
import type { UserId } from "../session-store.js";
import type { TokenAction } from "../token-action.js";
import { CookieTransport, type SessionCookie } from "../transports/cookie-transport.js";
import { headerValues, type RequestHeaders } from "../transports/request-headers.js";
import type { TokenTransport } from "../transports/token-transport.js";
import { mergeVary, resolveTransport, type TransportOptions } from "../transports/transport-options.js";

/** Options of {@link WebSessions}. */
export type WebSessionOptions = TransportOptions;

/** A cookie store as Next.js's `cookies()` gives it in route handlers and server actions. */
export interface CookieStore {
  /** Sets (or, with an empty value expiring in 1970, clears) a cookie on the response. */
  set(name: string, value: string, options: SessionCookie["options"]): unknown;
}

/**
 * Sessions for any framework on the Web Fetch API (`Request`, `Response`, `Headers`): Hono, Next.js
 * route handlers and server actions, Remix, SvelteKit, Bun, Deno, Cloudflare-style handlers. It only
 * glues the request and response to the manager's lifecycle (`load`, `commit`) and a transport.
 *
 * @example
 * ```ts
 * const web = new WebSessions(sessions);
 * export async function POST(request: Request) {
 *   const session = await web.load(request);
 *   session.set("theme", "dark");
 *   return web.commit(session, Response.json({ ok: true })); // saved before the response leaves
 * }
 * ```
 */
export class WebSessions<Data extends object, TUser, TUserId extends UserId> {
  /** The transport the token travels by. */
  readonly transport: TokenTransport;
  readonly #manager: SessionLifecycle<Data, TUser, TUserId>;

  /** @throws SessionConfigError when the cookie options contradict each other. */
  constructor(manager: SessionLifecycle<Data, TUser, TUserId>, options: WebSessionOptions = {}) {
    this.#manager = manager;
    this.transport = resolveTransport(options);
  }

  /**
   * The session of a request (a `Request`, or its `Headers`), or of a token you read yourself (the
   * cookie's value from Next.js's `cookies().get(name)?.value`). Load it `readOnly` where the
   * response cannot carry a new token (a Server Component).
   * @throws SessionStoreError when the store fails.
   */
  load(
    from: Request | RequestHeaders | string | null | undefined,
    options: Omit<LoadOptions, "channel"> = {},
  ): Promise<Session<Data, TUser, TUserId>> {
    const token = typeof from === "string" || from === null || from === undefined ? from : this.transport.readToken(from instanceof Request ? from.headers : from);
    const userAgent = typeof from === "object" && from !== null ? headerValues(from instanceof Request ? from.headers : from, "user-agent")[0] : undefined;
    return this.#manager.load(token, {
      ...(userAgent === undefined ? {} : { userAgent }),
      ...options,
      ...(this.transport.channel === undefined ? {} : { channel: this.transport.channel }),
    });
  }

  /**
   * Saves the session and returns `response` with the token's headers (a copy, when its headers
   * cannot change: `Response.redirect()`, a fetched response).
   * @throws ConflictError, SessionDataError or SessionStoreError when the save fails: answer with `error.status`.
   */
  async commit(session: Session<Data, TUser, TUserId>, response: Response): Promise<Response> {
    const action = await this.#manager.commit(session);
    if (action.type === "none") return response;
    let target = response;
    try {
      this.#apply(action, target.headers);
    } catch {
      target = new Response(response.body, response);
      this.#apply(action, target.headers);
    }
    return target;
  }

  /** Saves the session and adds the token's headers to `headers` (a response's you are still building). */
  async commitTo(session: Session<Data, TUser, TUserId>, headers: Headers): Promise<void> {
    this.#apply(await this.#manager.commit(session), headers);
  }

  /**
   * Saves the session and sets the token's cookie in a cookie store (Next.js's `cookies()` in a route
   * handler or server action). Needs the cookie transport.
   */
  async commitToCookies(session: Session<Data, TUser, TUserId>, cookies: CookieStore): Promise<void> {
    if (!(this.transport instanceof CookieTransport)) throw new TypeError("commitToCookies() needs the cookie transport");
    const cookie = this.transport.cookieFor(await this.#manager.commit(session));
    if (cookie !== null) cookies.set(cookie.name, cookie.value, cookie.options);
  }

  /**
   * The session of the cookie in a cookie store (Next.js's `cookies()`): in a Server Component load it
   * `readOnly` (it cannot set cookies); in a server action, commit it with {@link commitToCookies}.
   * @throws SessionStoreError when the store fails.
   */
  loadFromCookies(
    cookies: { get(name: string): { value: string } | undefined },
    options: Omit<LoadOptions, "channel"> = {},
  ): Promise<Session<Data, TUser, TUserId>> {
    return this.load(this.cookieName === undefined ? undefined : cookies.get(this.cookieName)?.value, options);
  }

  /**
   * Runs a request handler with the request's session: loads it, runs `handler`, saves it and returns
   * the handler's response with the token's headers. A session error answers with its status and a
   * JSON `{ code, message }` (503 store unavailable, 409 conflict, 403 CSRF), without a session
   * cookie; any other error is rethrown to the framework.
   * @example export const GET = (request: Request) => web.handle(request, (session) => Response.json({ userId: session.userId }));
   */
  async handle(
    request: Request,
    handler: (session: Session<Data, TUser, TUserId>) => Response | Promise<Response>,
    options: Omit<LoadOptions, "channel"> = {},
  ): Promise<Response> {
    try {
      const session = await this.load(request, options);
      return await this.commit(session, await handler(session));
    } catch (error) {
      return sessionErrorResponse(error);
    }
  }

  /** The cookie name the token travels in, with the cookie transport (for `cookies().get(name)`). */
  get cookieName(): string | undefined {
    return this.transport instanceof CookieTransport ? this.transport.name : undefined;
  }

  #apply(action: TokenAction, headers: Headers): void {
    for (const [name, value] of this.transport.responseHeaders(action)) {
      const lower = name.toLowerCase();
      if (lower === "set-cookie") headers.append(name, value);
      else if (lower === "vary") headers.set(name, mergeVary(headers.get(name) ?? undefined, value));
      else headers.set(name, value);
    }
  }
}

/**
 * A session error as the response a client should get: its status (503, 409, 403...) with a JSON
 * `{ code, message }` (no message for a 5xx) and `Cache-Control: no-store`. Anything else, and a session error that is
 * a server bug (500), is rethrown for the framework to report.
 */
export function sessionErrorResponse(error: unknown): Response {
  if (!(error instanceof SessionError) || error.status === 500) throw error;
  // A server-side failure's message (a database error) is for the logs, not for clients.
  const body = error.status < 500 ? { code: error.code, message: error.message } : { code: error.code };
  return Response.json(body, { status: error.status, headers: { "Cache-Control": "no-store" } });
}
