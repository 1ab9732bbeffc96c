import type { IncomingMessage, ServerResponse } from "node:http";
import type { Session } from "../session.js";
import { sessionState } from "../session.js";
import type { SessionManager } from "../session-manager.js";
import type { UserId } from "../session-store.js";
import { CookieTransport, type CookieTransportOptions } from "../transports/cookie-transport.js";
import { HeaderTransport, type HeaderTransportOptions } from "../transports/header-transport.js";
import type { SessionTransport } from "../transports/session-transport.js";
import { holdResponseUntil } from "./hold-response.js";
import type { RequestSession } from "./request-session.js";

/** Options of the Express middleware. */
export interface ExpressSessionOptions {
  /**
   * How the token travels: `"cookie"` (default), `"header"` (`Authorization: Bearer`), or your own
   * {@link SessionTransport}.
   * @default "cookie"
   */
  transport?: "cookie" | "header" | SessionTransport;
  /** Cookie options, for the cookie transport. */
  cookie?: CookieTransportOptions;
  /** Header options, for the header transport. */
  header?: HeaderTransportOptions;
  /**
   * Requests whose session is read-only: it can be read, is never written or touched, and throws
   * when changed. Useful for static assets and polling endpoints.
   * @example (req) => req.method === "GET" && req.url.startsWith("/assets/")
   */
  readOnly?: (req: IncomingMessage) => boolean;
}

/** An Express-compatible middleware function (no dependency on Express itself). */
export type SessionMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/**
 * Express middleware: loads `req.session` before the route runs and saves it before the response
 * is sent, so a redirect after `setUser()` is followed by a request that sees the user. Store
 * failures reach Express as `next(err)` (a `SessionStoreError`, status 503; a `ConflictError`, 409).
 */
export function sessionMiddleware<Data extends object, TUser, TUserId extends UserId>(
  manager: SessionManager<Data, TUser, TUserId>,
  options: ExpressSessionOptions = {},
): SessionMiddleware {
  const transport = resolveTransport(options);
  return (req, res, next) => {
    const readOnly = options.readOnly?.(req) ?? false;
    const ipAddress = (req as { ip?: string }).ip ?? req.socket?.remoteAddress ?? null;
    const userAgent = req.headers["user-agent"] ?? null;
    manager.load(transport.getToken(req), { readOnly, ipAddress, userAgent }).then(
      (session) => {
        (req as { session?: unknown }).session = session;
        holdResponseUntil(res, () => commitAndSendToken(manager, session, transport, res), next);
        next();
      },
      (error: unknown) => next(error),
    );
  };
}

async function commitAndSendToken<Data extends object, TUser, TUserId extends UserId>(
  manager: SessionManager<Data, TUser, TUserId>,
  session: Session<Data, TUser, TUserId>,
  transport: SessionTransport,
  res: ServerResponse,
): Promise<void> {
  const state = sessionState(session);
  state.sealed = true;
  await manager.commit(session);
  if (state.tokenIssued) {
    transport.setToken(res, manager.signedToken(session), state.record.absoluteExpiresAt);
    state.tokenIssued = false;
    state.tokenCleared = false;
  } else if (state.tokenCleared && !state.stored) {
    transport.setToken(res, null, new Date(0));
    state.tokenCleared = false;
  }
}

function resolveTransport(options: ExpressSessionOptions): SessionTransport {
  if (options.transport === "header") return new HeaderTransport(options.header);
  if (options.transport === undefined || options.transport === "cookie") return new CookieTransport(options.cookie);
  return options.transport;
}

export type { RequestSession };
