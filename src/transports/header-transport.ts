import type { IncomingMessage, ServerResponse } from "node:http";
import type { SessionTransport } from "./session-transport.js";

/** Options of the header transport, for API and mobile clients. */
export interface HeaderTransportOptions {
  /**
   * Request header carrying the token. `"authorization"` expects `Authorization: Bearer <token>`;
   * any other name carries the bare token.
   * @default "authorization"
   */
  header?: string;
  /**
   * Response header in which a newly issued token is returned (empty when the client must drop its
   * token).
   * @default "X-Session-Token"
   */
  responseHeader?: string;
}

const BEARER = /^Bearer +(\S+) *$/i;

/** Reads the signed token from a request header and returns new tokens in a response header. */
export class HeaderTransport implements SessionTransport {
  readonly #header: string;
  readonly #responseHeader: string;

  constructor(options: HeaderTransportOptions = {}) {
    this.#header = (options.header ?? "authorization").toLowerCase();
    this.#responseHeader = options.responseHeader ?? "X-Session-Token";
  }

  getToken(req: IncomingMessage): string | undefined {
    const raw = req.headers[this.#header];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (typeof value !== "string") return undefined;
    if (this.#header !== "authorization") return value.trim() || undefined;
    return BEARER.exec(value)?.[1];
  }

  setToken(res: ServerResponse, token: string | null): void {
    res.setHeader(this.#responseHeader, token ?? "");
  }
}
