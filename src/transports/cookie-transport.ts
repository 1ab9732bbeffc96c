import type { IncomingMessage, ServerResponse } from "node:http";
import { parse, serialize, type SerializeOptions } from "cookie";
import { SessionConfigError } from "../errors.js";
import type { SessionTransport } from "./session-transport.js";

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
export class CookieTransport implements SessionTransport {
  /** The cookie name actually used (with any `__Host-` prefix). */
  readonly name: string;
  readonly #attributes: SerializeOptions;
  readonly #persistent: boolean;

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

  getToken(req: IncomingMessage): string | undefined {
    const header = req.headers.cookie;
    if (typeof header !== "string" || header.length === 0) return undefined;
    return parse(header)[this.name];
  }

  setToken(res: ServerResponse, token: string | null, expiresAt: Date): void {
    const cookie =
      token === null
        ? serialize(this.name, "", { ...this.#attributes, expires: new Date(0) })
        : serialize(this.name, token, { ...this.#attributes, ...(this.#persistent ? { expires: expiresAt } : {}) });
    appendSetCookie(res, cookie);
  }
}

function appendSetCookie(res: ServerResponse, cookie: string): void {
  const existing = res.getHeader("Set-Cookie");
  const cookies = existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
  res.setHeader("Set-Cookie", [...cookies, cookie]);
}
