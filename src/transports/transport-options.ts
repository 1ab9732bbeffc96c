import { CookieTransport, type CookieTransportOptions } from "./cookie-transport.js";
import { HeaderTransport, type HeaderTransportOptions } from "./header-transport.js";
import type { TokenTransport } from "./token-transport.js";

/** How the token travels, as every framework adapter takes it. */
export interface TransportOptions {
  /**
   * `"cookie"` (default), `"header"` (`Authorization: Bearer`), or a {@link TokenTransport} of your own.
   * @default "cookie"
   */
  transport?: "cookie" | "header" | TokenTransport;
  /** Cookie options, for the cookie transport. */
  cookie?: CookieTransportOptions;
  /** Header options, for the header transport. */
  header?: HeaderTransportOptions;
}

/** The transport the options name. @throws SessionConfigError when the cookie options contradict each other. */
export function resolveTransport(options: TransportOptions): TokenTransport {
  if (options.transport === "header") return new HeaderTransport(options.header);
  if (options.transport === undefined || options.transport === "cookie") return new CookieTransport(options.cookie);
  return options.transport;
}

/** `existing` (a `Vary` value) with `name` added unless it is there already or `*`. */
export function mergeVary(existing: string | undefined, name: string): string {
  const names = (existing ?? "").split(",").map((part) => part.trim()).filter(Boolean);
  if (names.some((part) => part === "*" || part.toLowerCase() === name.toLowerCase())) return names.join(", ");
  return [...names, name].join(", ");
}
