import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { STATUS_CODES } from "node:http";
import { fastifyPlugin } from "fastify-plugin";
import { SessionError } from "../errors.js";
import type { Session } from "../session.js";
import type { SessionLifecycle } from "../session-lifecycle.js";
import { ROUTE_ONLY_HEADERS } from "../transports/replaced-response.js";
import { mergeVary, resolveTransport, type TransportOptions } from "../transports/transport-options.js";
// Declaration merging only: `request.session` on Fastify's request type.
export type {} from "./fastify-request.js";

/** Options of the {@link fastifySessions} plugin. */
export interface FastifySessionOptions extends TransportOptions {
  /**
   * The manager (`SessionManager.fromPrisma(...)`, `fromTypeORM(...)`).
   * @example SessionManager.fromPrisma(prisma, { secret: process.env.SESSION_SECRET! })
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a manager of any data, user and user id type
  manager: SessionLifecycle<any, any, any>;
  /** Requests whose session is read-only: never written or touched; changing it throws. */
  readOnly?: (request: FastifyRequest) => boolean;
}

/** Requests whose session a commit was tried for: an error response after a failed save must not try again. */
const committed = new WeakSet<FastifyRequest>();

/**
 * The Fastify plugin: `request.session` in every route (typed through Fastify's own declaration
 * merging and sessionrow's `Register`), loaded in `onRequest` and saved in `onSend`, before the reply
 * leaves, so a `reply.redirect()` after `setUser()` is followed by a request that sees the user. A
 * store failure becomes the reply's error (503 `SessionStoreError`, 409 `ConflictError`) through
 * Fastify's error handler, without the session cookie or the route's own headers.
 *
 * It parses the `Cookie` header itself (with the `cookie` package), so `@fastify/cookie` is not
 * needed; the two work side by side.
 *
 * @example
 * ```ts
 * await app.register(fastifySessions, { manager: sessions });
 * app.get("/", async (request) => ({ views: request.session.update("views", (n = 0) => n + 1) }));
 * ```
 */
export const fastifySessions: FastifyPluginAsync<FastifySessionOptions> = fastifyPlugin(
  async (fastify: FastifyInstance, options: FastifySessionOptions) => {
    const { manager } = options;
    const transport = resolveTransport(options);
    // `null` until onRequest loads it; typed as the registered manager's session for routes.
    fastify.decorateRequest("session", null as never);
    fastify.addHook("onRequest", async (request) => {
      try {
        request.session = await manager.load(transport.readToken(request.headers), {
          readOnly: options.readOnly?.(request) ?? false,
          ipAddress: request.ip,
          userAgent: request.headers["user-agent"] ?? null,
          ...(transport.channel === undefined ? {} : { channel: transport.channel }),
        });
      } catch (error) {
        throw forClients(error);
      }
    });
    fastify.addHook("onSend", async (request, reply, payload) => {
      if ((request.session as Session | null) === null || committed.has(request)) return payload;
      committed.add(request);
      let action;
      try {
        action = await manager.commit(request.session);
      } catch (error) {
        for (const header of ROUTE_ONLY_HEADERS) reply.removeHeader(header);
        reply.header("cache-control", "no-store");
        throw forClients(error);
      }
      for (const [name, value] of transport.responseHeaders(action)) addHeader(reply, name, value);
      return payload;
    });
  },
  { name: "sessionrow", fastify: "5.x" },
);

/** Adds a reply header: `Set-Cookie` values accumulate (Fastify appends them), `Vary` names merge, others replace. */
function addHeader(reply: FastifyReply, name: string, value: string): void {
  if (name.toLowerCase() === "vary") {
    const existing = reply.getHeader("vary");
    reply.header("vary", mergeVary(existing === undefined ? undefined : String(existing), value));
  } else {
    reply.header(name, value);
  }
}

/**
 * A session error as Fastify's error handler may show it: a server-side failure (5xx) keeps its class,
 * code and status but says only the status text, since its message (a database error) is for the logs;
 * the original stays its `cause`.
 */
function forClients(error: unknown): unknown {
  if (!(error instanceof SessionError) || error.status < 500) return error;
  const Class = error.constructor as new (message: string, options: { cause: unknown }) => SessionError;
  return new Class(STATUS_CODES[error.status] ?? "Session error", { cause: error });
}

