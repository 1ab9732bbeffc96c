import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * Carries the signed session token between client and server. The cookie and header transports
 * implement it; implement it yourself to take the token from anywhere else.
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
