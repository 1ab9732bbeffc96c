import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * A transport of your own for Node's request and response objects (Express, Nest on Express, plain
 * `node:http`), for a token that travels somewhere the cookie and header transports do not look.
 * A transport that only reads and writes headers is simpler as a `TokenTransport`.
 */
export interface SessionTransport {
  /** The signed token the client sent, if any. Must not throw on malformed input. */
  getToken(req: IncomingMessage): string | undefined;
  /**
   * Sends a newly issued signed token (valid until `expiresAt`), or tells the client to forget its
   * token when `token` is `null`. Called before the response headers are sent.
   */
  setToken(res: ServerResponse, token: string | null, expiresAt: Date): void;
}
