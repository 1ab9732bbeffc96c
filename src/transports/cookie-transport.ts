import { parse, serialize, type SerializeOptions } from "cookie";
import { SessionConfigError } from "../errors.js";
import type { TokenAction } from "../token-action.js";
import { headerValues, type RequestHeaders, type ResponseHeader } from "./request-headers.js";
import type { TokenTransport } from "./token-transport.js";

/** Options of the cookie transport (the default). */
export interface CookieTransportOptions {
  /**
   * Cookie name. With `hostPrefix`, `__Host-` is put in front of it.
   * @default "sessionrow"
   */
  name?: string;
  /**
   * Name the cookie `__Host-<name>`: browsers then only accept it when Secure, for Path=/ and without
   * Domain, so a sibling subdomain cannot plant or overwrite it. Requires HTTPS.
   * @default false
   */
  hostPrefix?: boolean;
  /**
   * Send the cookie over HTTPS only.
   * @default true when NODE_ENV is "production"
   */
  secure?: boolean;
  /** @default "lax" */
  sameSite?: "lax" | "strict" | "none";
  /** @default "/" */
  path?: string;
  /** Cookie domain; not allowed with `hostPrefix`. @default the request host only */
  domain?: string;
  /**
   * Keep the cookie until the session's absolute expiry (`Expires`). When `false` it is a browser
   * session cookie, gone when the browser closes.
   * @default true
   */
  persistent?: boolean;
}

/** Reads and writes the signed token in an HttpOnly cookie. */
export class CookieTransport implements TokenTransport {
  /** The cookie name actually used (with any `__Host-` prefix). */
  readonly name: string;
  readonly #attributes: SerializeOptions;
  readonly #persistent: boolean;

  /** @throws SessionConfigError when the options contradict each other (e.g. `sameSite: "none"` without `secure`). */
  constructor(options: CookieTransportOptions = {}) {
    const secure = options.secure ?? process.env.NODE_ENV === "production";
    const sameSite = options.sameSite ?? "lax";
    const path = options.path ?? "/";
    if (options.hostPrefix && (!secure || path !== "/" || options.domain !== undefined)) {
      throw new SessionConfigError("A __Host- cookie must be secure, with path \"/\" and no domain");
    }
    if (sameSite === "none" && !secure) throw new SessionConfigError('sameSite "none" requires secure: true');
    this.name = `${options.hostPrefix ? "__Host-" : ""}${options.name ?? "sessionrow"}`;
    this.#persistent = options.persistent ?? true;
    this.#attributes = {
      httpOnly: true,
      secure,
      sameSite,
      path,
      ...(options.domain === undefined ? {} : { domain: options.domain }),
    };
  }

  /** The token in the request's `Cookie` header(s), if any. */
  readToken(headers: RequestHeaders): string | undefined {
    for (const header of headerValues(headers, "cookie")) {
      const value = parse(header)[this.name];
      if (value !== undefined) return value;
    }
    return undefined;
  }

  /** A `Set-Cookie` header that sets or clears the cookie; none when the token stays. */
  responseHeaders(action: TokenAction): ResponseHeader[] {
    if (action.type === "none") return [];
    const cookie =
      action.type === "clear"
        ? serialize(this.name, "", { ...this.#attributes, expires: new Date(0) })
        : serialize(this.name, action.token, { ...this.#attributes, ...(this.#persistent ? { expires: action.expiresAt } : {}) });
    return [["Set-Cookie", cookie]];
  }
}
