import { ROUTE_ONLY_HEADERS } from "../transports/replaced-response.js";
import { mergeVary } from "../transports/transport-options.js";
import type { ServerResponse } from "node:http";

type HeldMethod = "writeHead" | "write" | "end" | "flushHeaders";
const HELD_METHODS: readonly HeldMethod[] = ["writeHead", "write", "end", "flushHeaders"];
/**
 * Delays the response until `beforeSend` has finished: the first call that would send headers
 * (`writeHead`, `write`, `end`, `flushHeaders`) starts `beforeSend`, and it and every later call are
 * replayed in order once it resolves (headers given to a held `writeHead` are merged with those set
 * meanwhile, so the session's `Set-Cookie` survives a route's own). If it rejects, the held calls and
 * the headers only they may carry are dropped, the response is marked `Cache-Control: no-store`, and
 * `onError` gets the error while nothing is sent yet, so an error response replaces the response.
 */
export function holdResponseUntil(
  res: ServerResponse,
  beforeSend: () => Promise<void>,
  onError: (error: unknown) => void,
): void {
  const originals = new Map<HeldMethod, (...args: unknown[]) => unknown>();
  const held: { method: HeldMethod; args: unknown[] }[] = [];
  let started = false;

  const restore = () => {
    for (const [method, original] of originals) (res as unknown as Record<HeldMethod, unknown>)[method] = original;
  };

  for (const method of HELD_METHODS) {
    const original = res[method] as (...args: unknown[]) => unknown;
    originals.set(method, original);
    (res as unknown as Record<HeldMethod, unknown>)[method] = (...args: unknown[]) => {
      held.push({ method, args });
      if (!started) {
        started = true;
        beforeSend().then(
          () => {
            restore();
            for (const call of held.splice(0)) {
              const args = call.method === "writeHead" ? mergeWriteHeadHeaders(res, call.args) : call.args;
              originals.get(call.method)!.apply(res, args);
            }
          },
          (error: unknown) => {
            restore();
            held.length = 0;
            for (const header of ROUTE_ONLY_HEADERS) res.removeHeader(header);
            res.setHeader("Cache-Control", "no-store");
            onError(error);
          },
        );
      }
      return method === "write" ? true : method === "flushHeaders" ? undefined : res;
    };
  }
}

/**
 * `writeHead(status, [message], headers)` with its headers object applied to the response first, so
 * that it cannot replace what the session middleware set while the response was held: `Set-Cookie`
 * values are appended, `Vary` names merged, and a `Cache-Control: no-store` kept. Node's flat-array
 * form is passed on as it is.
 */
function mergeWriteHeadHeaders(res: ServerResponse, args: unknown[]): unknown[] {
  const index = typeof args[1] === "string" ? 2 : 1;
  const headers = args[index];
  if (headers === null || typeof headers !== "object" || Array.isArray(headers)) return args;
  for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    const existing = res.getHeader(name);
    if (lower === "set-cookie") {
      const before = existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
      res.setHeader("Set-Cookie", [...(Array.isArray(value) ? value : [String(value)]), ...before]);
    } else if (lower === "vary") {
      let vary = existing === undefined ? undefined : String(existing);
      for (const part of String(value).split(",")) if (part.trim() !== "") vary = mergeVary(vary, part.trim());
      res.setHeader("Vary", vary ?? "");
    } else if (lower === "cache-control" && existing === "no-store") {
      // The session set or cleared a token: the response must not be cached, whatever the route asked.
    } else {
      res.setHeader(name, value as string | number | readonly string[]);
    }
  }
  return args.slice(0, index);
}

