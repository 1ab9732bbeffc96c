import type { TokenAction } from "../token-action.js";
import type { RequestHeaders, ResponseHeader } from "./request-headers.js";

/**
 * Carries the signed session token between client and server as headers, whatever the framework:
 * it reads the token from a request's headers and turns a commit's {@link TokenAction} into the
 * response headers to add. The cookie and header transports implement it.
 */
export interface TokenTransport {
  /**
   * The channel the transport's tokens are signed for (see `LoadOptions.channel`); absent for the
   * cookie channel.
   */
  readonly channel?: string;
  /** The signed token the client sent, if any (every value, when it came more than once). Never throws on malformed input. */
  readToken(headers: RequestHeaders): string | readonly string[] | undefined;
  /** The headers that carry out `action` (none for `{ type: "none" }`). */
  responseHeaders(action: TokenAction): ResponseHeader[];
}
