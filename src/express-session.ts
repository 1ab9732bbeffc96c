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
