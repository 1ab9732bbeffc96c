import type { IncomingMessage, ServerResponse } from "node:http";
import { adoptExpressSession, type ExpressSessionAdoption } from "../compat/express-session-adoption.js";
import type { LoadOptions } from "../load-options.js";
import type { Session } from "../session.js";
import type { SessionLifecycle } from "../session-lifecycle.js";
import type { UserId } from "../session-store.js";
import type { TokenAction } from "../token-action.js";
import { CookieTransport, type CookieTransportOptions } from "../transports/cookie-transport.js";
import type { HeaderTransportOptions } from "../transports/header-transport.js";
import type { ResponseHeader } from "../transports/request-headers.js";
import type { SessionTransport } from "../transports/session-transport.js";
import type { TokenTransport } from "../transports/token-transport.js";
import { mergeVary, resolveTransport, type TransportOptions } from "../transports/transport-options.js";
import { holdResponseUntil, prepareResponseHolds } from "./hold-response.js";

/** Options of the Express middleware. */
export interface ExpressSessionOptions {
  /**
   * How the token travels: `"cookie"` (default), `"header"` (`Authorization: Bearer`), a
   * {@link TokenTransport} (headers in, headers out), or a {@link SessionTransport} of your own
   * (request in, response out).
   * @default "cookie"
   */
  transport?: "cookie" | "header" | TokenTransport | SessionTransport;
  /** Cookie options, for the cookie transport. */
  cookie?: CookieTransportOptions;
  /** Header options, for the header transport. */
  header?: HeaderTransportOptions;
  /**
   * Requests whose session is read-only: it can be read, is never written or touched, and throws
   * when changed. Useful for static assets and polling endpoints.
   * @example (req) => req.method === "GET" && (req.url ?? "").startsWith("/assets/")
   */
  readOnly?: (req: IncomingMessage) => boolean;
  /**
   * During a migration from express-session (with the cookie transport): a request that brings no
   * sessionrow token but a valid express-session cookie gets that session (stored by `sessions.expressSessionStore()`), under a new
   * sessionrow token; the old cookie is cleared. Nobody is logged out by the switch.
   * @example { secret: process.env.OLD_EXPRESS_SESSION_SECRET! }
   */
  adoptExpressSession?: ExpressSessionAdoption;
}

/** An Express-compatible middleware function (no dependency on Express itself). */
export type SessionMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/**
 * Express middleware: loads `req.session` before the route runs and saves it before the response
 * is sent, so a redirect after `setUser()` is followed by a request that sees the user. Store
 * failures reach Express as `next(err)` (a `SessionStoreError`, status 503; a `ConflictError`, 409)
 * and the held response is replaced by the error response, without a session cookie.
 */
export function sessionMiddleware<Data extends object, TUser, TUserId extends UserId>(
  manager: SessionLifecycle<Data, TUser, TUserId>,
  options: ExpressSessionOptions = {},
): SessionMiddleware {
  const transport = nodeTransport(options);
  prepareResponseHolds();
  const warnInsecure = insecureRequestWarning(transport);
  return (req, res, next) => {
    const loadOptions = requestLoadOptions(req, options.readOnly?.(req) ?? false, transport.channel);
    loadSession(manager, transport.getToken(req), req, transport.cookie ? options.adoptExpressSession : undefined, loadOptions).then(
      ({ session, headers }) => {
        (req as { session?: unknown }).session = session;
        holdResponseUntil(
          res,
          () => {
            // A commit that writes nothing sends the response at once; one that writes holds it until saved.
            const action = manager.commitWithoutWaiting?.(session) ?? manager.commit(session);
            if (!(action instanceof Promise)) return applyTokenAction(transport, warnInsecure, req, res, action, headers);
            return action.then((saved) => applyTokenAction(transport, warnInsecure, req, res, saved, headers));
          },
          next,
        );
        next();
      },
      next,
    );
  };
}

/** Puts a commit's token action and any extra headers (an adopted session's) on the response. */
function applyTokenAction(
  transport: NodeTransport,
  warnInsecure: (req: IncomingMessage) => void,
  req: IncomingMessage,
  res: ServerResponse,
  action: TokenAction,
  headers: readonly ResponseHeader[],
): void {
  if (action.type === "set") warnInsecure(req);
  transport.apply(res, action);
  for (const [name, value] of headers) appendHeader(res, name, value);
}

/**
 * A request's load options. The client's address and User-Agent are getters, read when a new session
 * records them, not on every request: Express's `req.ip` parses `X-Forwarded-For` through the
 * trust-proxy setting, a cost a stored session's request does not need to pay. They are own
 * enumerable properties, so a copy (`{ ...options }`) still carries them.
 */
function requestLoadOptions(req: IncomingMessage, readOnly: boolean, channel: string | undefined): LoadOptions {
  // The socket's address is cached now (one getpeername per connection): read after the load, it
  // would be gone if the client had disconnected meanwhile.
  void req.socket?.remoteAddress;
  const options: LoadOptions = {
    readOnly,
    get ipAddress() {
      return (req as { ip?: string }).ip ?? req.socket?.remoteAddress ?? null;
    },
    get userAgent() {
      return req.headers["user-agent"] ?? null;
    },
  };
  if (channel !== undefined) options.channel = channel;
  return options;
}

/**
 * Warns once when a Secure cookie is set on a plain-HTTP request to a host other than this machine:
 * browsers drop such a cookie, so every request would start a new session.
 */
function insecureRequestWarning(transport: NodeTransport): (req: IncomingMessage) => void {
  let warned = !transport.secureCookie;
  return (req) => {
    if (warned || (req.socket as { encrypted?: boolean } | undefined)?.encrypted) return;
    if (/^https$/i.test(String(req.headers["x-forwarded-proto"] ?? "").split(",")[0]!.trim())) return;
    const host = (req.headers.host ?? "").replace(/:\d+$/, "");
    if (/^(localhost|127(\.\d+){3}|\[::1\])$/i.test(host)) return;
    warned = true;
    process.emitWarning(
      `sessionrow set a Secure cookie on a plain-HTTP request to ${host || "an unknown host"}: browsers drop it, so every request starts a new session. ` +
        'Serve the app over HTTPS (behind a proxy, it must send X-Forwarded-Proto: https), or for local development only, use express({ cookie: { secure: false } }).',
      { code: "SESSIONROW_INSECURE_REQUEST" },
    );
  };
}

/** The request's session, adopted from an express-session cookie when configured and no sessionrow token came. */
function loadSession<Data extends object, TUser, TUserId extends UserId>(
  manager: SessionLifecycle<Data, TUser, TUserId>,
  token: string | readonly string[] | undefined,
  req: IncomingMessage,
  adoption: ExpressSessionAdoption | undefined,
  options: LoadOptions,
): Promise<{ session: Session<Data, TUser, TUserId>; headers: readonly ResponseHeader[] }> {
  if (token === undefined && adoption !== undefined && !options.readOnly) return loadAdopted(manager, req, adoption, options);
  try {
    return manager.load(token, options).then(withoutHeaders);
  } catch (error) {
    // A lifecycle whose load throws rather than rejects still reaches next(error).
    return Promise.reject(error);
  }
}

const NO_HEADERS: readonly ResponseHeader[] = [];

function withoutHeaders<S>(session: S): { session: S; headers: readonly ResponseHeader[] } {
  return { session, headers: NO_HEADERS };
}

async function loadAdopted<Data extends object, TUser, TUserId extends UserId>(
  manager: SessionLifecycle<Data, TUser, TUserId>,
  req: IncomingMessage,
  adoption: ExpressSessionAdoption,
  options: LoadOptions,
): Promise<{ session: Session<Data, TUser, TUserId>; headers: readonly ResponseHeader[] }> {
  return (await adoptExpressSession(manager, req.headers, adoption, options)) ?? withoutHeaders(await manager.load(undefined, options));
}

/** A transport as the middleware uses it: the token from a Node request, an action onto a Node response. */
interface NodeTransport {
  /** The channel its tokens are signed for. */
  channel: string | undefined;
  /** Whether the token travels in sessionrow's cookie (the only transport that adopts express-session cookies). */
  cookie: boolean;
  /** Whether it sets a Secure cookie. */
  secureCookie: boolean;
  getToken(req: IncomingMessage): string | readonly string[] | undefined;
  apply(res: ServerResponse, action: TokenAction): void;
}

function nodeTransport(options: ExpressSessionOptions): NodeTransport {
  const transport = isNodeTransport(options.transport) ? options.transport : resolveTransport(options as TransportOptions);
  if ("readToken" in transport) {
    return {
      channel: (transport as TokenTransport).channel,
      cookie: transport instanceof CookieTransport,
      secureCookie: transport instanceof CookieTransport && transport.secure,
      getToken: (req) => transport.readToken(req.headers),
      apply: (res, action) => {
        for (const [name, value] of transport.responseHeaders(action)) appendHeader(res, name, value);
      },
    };
  }
  return {
    channel: undefined,
    cookie: false,
    secureCookie: false,
    getToken: (req) => transport.getToken(req),
    apply: (res, action) => {
      if (action.type === "set") transport.setToken(res, action.token, action.expiresAt);
      else if (action.type === "clear") transport.setToken(res, null, new Date(0));
    },
  };
}

function isNodeTransport(transport: ExpressSessionOptions["transport"]): transport is SessionTransport {
  return typeof transport === "object" && "getToken" in transport;
}

/** Adds a response header: `Set-Cookie` values accumulate, `Vary` names are merged, any other header is replaced. */
function appendHeader(res: ServerResponse, name: string, value: string): void {
  const lower = name.toLowerCase();
  const existing = res.getHeader(name);
  if (lower === "set-cookie") {
    const cookies = existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
    res.setHeader("Set-Cookie", [...cookies, value]);
  } else if (lower === "vary") {
    res.setHeader("Vary", mergeVary(existing === undefined ? undefined : String(existing), value));
  } else {
    res.setHeader(name, value);
  }
}
