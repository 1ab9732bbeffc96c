import type { SessionManager } from "../../../src/index.js";

/** A manager as the behaviour suite gives it to every adapter. */
export type SuiteManager = SessionManager<Record<string, unknown>, { id: number }, number>;

/** A running app on an ephemeral port. */
export interface AdapterServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts one framework's app serving the suite's routes on 127.0.0.1:
 * POST /login/:id (setUser, 303 to /me), GET /me ({ userId }), GET /set/:key (sets the key),
 * GET /keys (sorted keys), POST /logout (destroy), GET /decorated (sets a key and its own
 * Cache-Control, Set-Cookie and Location headers).
 */
export type StartAdapter = (manager: SuiteManager) => Promise<AdapterServer>;
