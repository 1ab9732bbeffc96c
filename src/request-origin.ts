import { headerValues, type RequestHeaders } from "./transports/request-headers.js";

/** Options of {@link verifyRequestOrigin}. */
export interface RequestOriginOptions {
  /**
   * Origins besides the request's own host that may send state-changing requests (`scheme://host[:port]`),
   * e.g. a front end on another subdomain.
   * @example ["https://app.example.com"]
   */
  allowedOrigins?: readonly string[];
  /**
   * Accept requests a browser marks `Sec-Fetch-Site: same-site` (sibling subdomains). Off by default:
   * a sibling subdomain is a different origin, and may be less trusted.
   * @default false
   */
  allowSameSite?: boolean;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);

/**
 * Whether a request may change state, by where the browser says it comes from (the check Lucia
 * documents, with Fetch Metadata first): safe methods always may; otherwise the request must be
 * same-origin by `Sec-Fetch-Site`, or carry an `Origin` header whose host is the request's `Host`
 * (or one of `allowedOrigins`). A request with neither header is refused: every current browser
 * sends `Origin` with a cross-site POST, so its absence means an old browser or a non-browser
 * client, which should use the header transport instead of cookies.
 *
 * @example
 * ```ts
 * if (!verifyRequestOrigin(request.method, request.headers)) return new Response(null, { status: 403 });
 * ```
 */
export function verifyRequestOrigin(method: string, headers: RequestHeaders, options: RequestOriginOptions = {}): boolean {
  if (SAFE_METHODS.has(method.toUpperCase())) return true;
  const site = headerValues(headers, "sec-fetch-site")[0]?.toLowerCase();
  if (site === "same-origin" || site === "none" || (site === "same-site" && options.allowSameSite)) return true;
  const origin = headerValues(headers, "origin")[0];
  if (origin === undefined || origin === "null") return false;
  const allowed = (options.allowedOrigins ?? []).map(normalizeOrigin);
  if (allowed.includes(normalizeOrigin(origin))) return true;
  // Sec-Fetch-Site said cross-site (or same-site, not allowed): only an explicitly allowed origin passes.
  if (site !== undefined) return false;
  const host = headerValues(headers, "host")[0];
  return host !== undefined && hostOf(origin) === host.toLowerCase();
}

function normalizeOrigin(origin: string): string {
  try {
    return new URL(origin).origin;
  } catch {
    return origin;
  }
}

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return null;
  }
}
