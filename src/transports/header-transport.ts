import type { TokenAction } from "../token-action.js";
import { headerValues, type RequestHeaders, type ResponseHeader } from "./request-headers.js";
import type { TokenTransport } from "./token-transport.js";

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
export class HeaderTransport implements TokenTransport {
  /** Tokens issued here are signed for the header channel: a cookie's token is refused here, and this one in a cookie. */
  readonly channel = "header";
  readonly #header: string;
  readonly #headerName: string;
  readonly #responseHeader: string;

  constructor(options: HeaderTransportOptions = {}) {
    this.#headerName = options.header ?? "Authorization";
    this.#header = this.#headerName.toLowerCase();
    this.#responseHeader = options.responseHeader ?? "X-Session-Token";
  }

  /** The token in the request header (the first one, when the header was sent more than once). */
  readToken(headers: RequestHeaders): string | undefined {
    const value = headerValues(headers, this.#header)[0];
    if (value === undefined) return undefined;
    if (this.#header !== "authorization") return value.trim() || undefined;
    return BEARER.exec(value)?.[1];
  }

  /**
   * The response header with the new token, or empty when the client must drop its token, with
   * `Cache-Control: no-store` and `Vary` on the token's request header; none when it stays.
   */
  responseHeaders(action: TokenAction): ResponseHeader[] {
    if (action.type === "none") return [];
    return [
      [this.#responseHeader, action.type === "set" ? action.token : ""],
      ["Cache-Control", "no-store"],
      ["Vary", this.#headerName],
    ];
  }
}
