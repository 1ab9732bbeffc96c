import type { Request } from "express";
import type { ExpressSessionOptions } from "../../src/express.js";
import type { Session } from "../../src/index.js";
import type { ResolvedOptions } from "../../src/session-manager-options.js";
import type { SessionAdapter } from "../contender.js";

/**
 * The middleware options every sessionrow contender uses: the scale scenario's `GET /lookup` is
 * declared read-only, so that it measures the lookup alone (no metadata touch, whatever the age of
 * the bulk-inserted rows). `/read` is an ordinary request: its touch is throttled to once a minute.
 */
export const sessionrowMiddlewareOptions: ExpressSessionOptions = {
  readOnly: (req) => req.url === "/lookup",
};

// Typed here rather than through the `Express.Request` augmentation: the bench program also loads
// @types/express-session, whose `req.session` is another type.
const sessionOf = (req: Request): Session => (req as unknown as { session: Session }).session;

/** The shared routes on sessionrow's `req.session`, whatever the store. */
export const sessionrowAdapter: SessionAdapter = {
  login: (req, userId) => sessionOf(req).setUser(userId),
  get: (req, key) => sessionOf(req).get(key),
  set: (req, key, value) => {
    sessionOf(req).set(key, value);
  },
  increment: (req, key) => {
    sessionOf(req).increment(key);
  },
  user: (req) => sessionOf(req).user(),
};

/** A manager's options (`manager.options`) as recorded with the results: durations in ms, no secrets. */
export function describeManager(resolved: Readonly<ResolvedOptions>): Record<string, unknown> {
  const { clock: _clock, ...options } = resolved;
  return { ...options, express: "sessions.express({ readOnly: (req) => req.url === '/lookup' })" };
}
