/**
 * Headers that an error response replacing a route's response (its save failed) must not inherit:
 * those describing the route's body or target, its cookies (a login that failed must not set the
 * route's "remember me"), and its caching (a shared cache must not keep the error).
 */
export const ROUTE_ONLY_HEADERS: readonly string[] = [
  "content-type",
  "content-length",
  "content-encoding",
  "content-language",
  "content-range",
  "content-disposition",
  "etag",
  "last-modified",
  "location",
  "set-cookie",
  "cache-control",
  "expires",
  "pragma",
];
