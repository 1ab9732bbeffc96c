/**
 * Sessions for frameworks on the Web Fetch API: {@link WebSessions} (any `Request` / `Response`,
 * Next.js's `cookies()`), and the {@link honoSessions} middleware for Hono. Loads no framework.
 * @module sessionrow/web
 */
export { sessionErrorResponse, WebSessions } from "./web/web-sessions.js";
export type { CookieStore, WebSessionOptions } from "./web/web-sessions.js";
export { honoSessions } from "./web/hono-sessions.js";
export type { HonoContextLike, HonoSessionOptions } from "./web/hono-sessions.js";
export type { SessionCookie } from "./transports/cookie-transport.js";
export type { TransportOptions } from "./transports/transport-options.js";
