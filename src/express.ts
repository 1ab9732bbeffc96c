/**
 * Express integration: the session middleware (also `sessions.express()`), `req.session` typing
 * through {@link Register}, and the cookie and header transports.
 * @module sessionrow/express
 */
export { sessionMiddleware } from "./express/session-middleware.js";
export type { ExpressSessionOptions, SessionMiddleware } from "./express/session-middleware.js";
export type { Register, RequestSession } from "./express/request-session.js";
export { CookieTransport } from "./transports/cookie-transport.js";
export type { CookieTransportOptions } from "./transports/cookie-transport.js";
export { HeaderTransport } from "./transports/header-transport.js";
export type { HeaderTransportOptions } from "./transports/header-transport.js";
export type { SessionTransport } from "./transports/session-transport.js";
export type { TokenTransport } from "./transports/token-transport.js";
export type { ExpressSessionAdoption } from "./compat/express-session-adoption.js";
export { csrfProtection } from "./express/csrf-protection.js";
export type { CsrfProtectionOptions } from "./express/csrf-protection.js";
