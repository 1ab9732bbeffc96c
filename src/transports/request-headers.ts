/**
 * A request's headers, as any framework holds them: Node's `req.headers` (lower-case names, arrays for
 * repeated headers) or a Fetch API `Headers` (`request.headers`).
 */
export type RequestHeaders =
  | {
      /** The header's value (several values joined), or `null`. */
      get(name: string): string | null;
    }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/** One response header to add: `[name, value]`. Several may share a name (`Set-Cookie`). */
export type ResponseHeader = readonly [name: string, value: string];

/** The values of a request header (`name` in lower case), in the order they were sent. */
export function headerValues(headers: RequestHeaders, name: string): string[] {
  if (typeof headers.get === "function") {
    const value = (headers as { get(name: string): string | null }).get(name);
    return value === null ? [] : [value];
  }
  const value = (headers as Readonly<Record<string, string | readonly string[] | undefined>>)[name];
  if (value === undefined) return [];
  return typeof value === "string" ? [value] : [...value];
}
