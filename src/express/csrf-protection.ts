import type { IncomingMessage, ServerResponse } from "node:http";
import { CsrfError } from "../errors.js";
import { verifyRequestOrigin, type RequestOriginOptions } from "../request-origin.js";
import type { Session } from "../session.js";

/** Options of {@link csrfProtection}. */
export interface CsrfProtectionOptions extends RequestOriginOptions {
  /**
   * Also require the session's CSRF token (`req.session.csrfToken()`, embedded in forms) on
   * state-changing requests of a stored session, from the body field `field` (a parsed body:
   * `express.urlencoded()` or `express.json()` must run first) or the request header `header`. Needed
   * with `sameSite: "none"`, for state-changing GET routes (use `methods`), or to guard against a
   * compromised sibling subdomain.
   * @default false
   */
  token?:
    | boolean
    | {
        /** The body field carrying the token. @default "_csrf" */
        field?: string;
        /** The request header carrying the token. @default "x-csrf-token" */
        header?: string;
      };
  /**
   * Methods that must pass the token check (the Origin check always covers every method but GET,
   * HEAD, OPTIONS and TRACE).
   * @default ["POST", "PUT", "PATCH", "DELETE"]
   */
  methods?: readonly string[];
}

/**
 * Express middleware (after the session middleware) refusing cross-site state-changing requests with
 * a {@link CsrfError} (403): the Origin / Sec-Fetch-Site check always, and the session's CSRF token
 * when `token` is set. Cookie-authenticated apps need it next to `SameSite=Lax` (see the README's
 * "CSRF"); routes that take the token from a header (`transport: "header"`) do not.
 *
 * @example
 * ```ts
 * app.use(sessions.express());
 * app.use(express.urlencoded({ extended: false }));
 * app.use(csrfProtection({ token: true })); // forms embed <input type="hidden" name="_csrf" value="${req.session.csrfToken()}">
 * ```
 */
export function csrfProtection(
  options: CsrfProtectionOptions = {},
): (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void {
  const token = options.token === true ? {} : options.token || null;
  const field = token?.field ?? "_csrf";
  const header = (token?.header ?? "x-csrf-token").toLowerCase();
  const methods = new Set((options.methods ?? ["POST", "PUT", "PATCH", "DELETE"]).map((method) => method.toUpperCase()));
  return (req, _res, next) => {
    const method = (req.method ?? "GET").toUpperCase();
    if (!verifyRequestOrigin(method, req.headers, options)) {
      next(new CsrfError(`Refused a ${method} request from another origin (Origin / Sec-Fetch-Site)`));
      return;
    }
    if (token === null || !methods.has(method)) return next();
    const session = (req as { session?: Session<object, unknown> }).session;
    // A session that is not stored holds no authority to abuse; the Origin check covers login forms.
    if (session === undefined || session.isNew) return next();
    const body = (req as { body?: Record<string, unknown> }).body;
    const sent = (body !== null && typeof body === "object" ? body[field] : undefined) ?? req.headers[header];
    if (session.verifyCsrfToken(sent)) return next();
    next(new CsrfError(`Refused a ${method} request without this session's CSRF token (field "${field}" or header "${header}")`));
  };
}
