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
   * Domain, so a sibling subdomain cannot plant or overwrite it.
   * @default true when the cookie is Secure, on Path=/ and without Domain
   */
  hostPrefix?: boolean;
  /**
   * Send the cookie over HTTPS only. Turn it off only for local development over plain HTTP (browsers
   * accept Secure cookies from http://localhost, so even that rarely needs it); a Secure cookie set on
   * a plain-HTTP request to another host gets a warning, since browsers drop it.
   * @default true
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

/** A cookie to set, as cookie-store APIs take it. */
export interface SessionCookie {
  /** The cookie's name. */
  name: string;
  /** The signed token, or `""` to clear the cookie. */
  value: string;
  /** Its attributes (`expires` absent for a browser-session cookie). */
  options: {
    /** Always true: scripts never read the token. */
    httpOnly?: boolean;
    /** Sent over HTTPS only. */
    secure?: boolean;
    /** The SameSite attribute. */
    sameSite?: "lax" | "strict" | "none" | boolean;
    /** The cookie's path. */
    path?: string;
    /** The cookie's domain, when one was set. */
    domain?: string;
    /** When the cookie expires. */
    expires?: Date;
  };
}

/** Reads and writes the signed token in an HttpOnly cookie. */
export class CookieTransport implements TokenTransport {
  /** The cookie name actually used (with any `__Host-` prefix). */
  readonly name: string;
  /** Whether the cookie is sent over HTTPS only. */
  readonly secure: boolean;
  readonly #attributes: SessionCookie["options"] & SerializeOptions;
  readonly #persistent: boolean;

  /** @throws SessionConfigError when the options contradict each other (e.g. `sameSite: "none"` without `secure`). */
  constructor(options: CookieTransportOptions = {}) {
    const secure = options.secure ?? true;
    const sameSite = options.sameSite ?? "lax";
    const path = options.path ?? "/";
    const hostPrefix = options.hostPrefix ?? (secure && path === "/" && options.domain === undefined);
    if (hostPrefix && (!secure || path !== "/" || options.domain !== undefined)) {
      throw new SessionConfigError("A __Host- cookie must be secure, with path \"/\" and no domain");
    }
    if (sameSite === "none" && !secure) throw new SessionConfigError('sameSite "none" requires secure: true');
    this.name = `${hostPrefix ? "__Host-" : ""}${options.name ?? "sessionrow"}`;
    this.secure = secure;
    this.#persistent = options.persistent ?? true;
    this.#attributes = {
      httpOnly: true,
      secure,
      sameSite,
      path,
      ...(options.domain === undefined ? {} : { domain: options.domain }),
    };
  }

  /**
   * The token in the request's `Cookie` header(s): every value sent under the cookie's name, in order
   * (a sibling subdomain can add one of the same name; the manager uses the first that verifies).
   */
  readToken(headers: RequestHeaders): string | string[] | undefined {
    const values: string[] = [];
    const prefix = `${this.name}=`;
    for (const header of headerValues(headers, "cookie")) {
      // The usual case, the name at most once, takes one parse; only a repeated name is split pair by pair.
      const pairs = header.indexOf(prefix) === header.lastIndexOf(prefix) ? [header] : header.split(";");
      for (const pair of pairs) {
        const value = parse(pair)[this.name];
        if (value !== undefined) values.push(value);
      }
    }
    return values.length <= 1 ? values[0] : values;
  }

  /**
   * The cookie an action sets (an empty value expiring in 1970 to clear it), for a cookie-store API
   * such as Next.js's `cookies().set(name, value, options)`; `null` when the token stays.
   */
  cookieFor(action: TokenAction): SessionCookie | null {
    if (action.type === "none") return null;
    if (action.type === "clear") return { name: this.name, value: "", options: { ...this.#attributes, expires: new Date(0) } };
    return { name: this.name, value: action.token, options: { ...this.#attributes, ...(this.#persistent ? { expires: action.expiresAt } : {}) } };
  }

  /**
   * A `Set-Cookie` header that sets or clears the cookie, with `Cache-Control: no-store` and
   * `Vary: Cookie` so no shared cache keeps or replays the response; none when the token stays.
   */
  responseHeaders(action: TokenAction): ResponseHeader[] {
    const cookie = this.cookieFor(action);
    if (cookie === null) return [];
    return [
      ["Set-Cookie", serialize(cookie.name, cookie.value, cookie.options)],
      ["Cache-Control", "no-store"],
      ["Vary", "Cookie"],
    ];
  }
}
