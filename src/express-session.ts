/**
 * An express-session store on the sessionrow table, for apps that keep express-session and move
 * their storage first.
 * @module sessionrow/express-session
 */
export { expressSessionStore } from "./compat/express-session-store.js";
export type { ExpressSessionModule, ExpressSessionStoreMethods } from "./compat/express-session-store.js";
export { ExpressSessionBackend } from "./compat/express-session-backend.js";
export type { ExpressSessionObject } from "./compat/express-session-backend.js";
export type { ExpressSessionStoreOptions } from "./compat/express-session-store-options.js";
/**
 * The manager, also exported here: an app that still runs express-session imports it from this entry
 * point, which leaves express-session's own type of `req.session` alone (the `sessionrow` entry point
 * types `req.session` as a sessionrow session).
 */
export { SessionManager } from "./session-manager.js";
