import type { ServerResponse } from "node:http";

type HeldMethod = "writeHead" | "write" | "end" | "flushHeaders";
const HELD_METHODS: readonly HeldMethod[] = ["writeHead", "write", "end", "flushHeaders"];
/** Headers describing the held response's body or target; an error response replacing it must not inherit them. */
const REPRESENTATION_HEADERS = [
  "content-type",
  "content-length",
  "content-encoding",
  "content-language",
  "content-range",
  "content-disposition",
  "etag",
  "last-modified",
  "location",
];

/**
 * Delays the response until `beforeSend` has finished: the first call that would send headers
 * (`writeHead`, `write`, `end`, `flushHeaders`) starts `beforeSend`, and it and every later call are
 * replayed in order once it resolves. If it rejects, the held calls and the headers describing their
 * body are dropped, and `onError` gets the error while nothing is sent yet, so an error response
 * replaces the response.
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
            for (const call of held.splice(0)) originals.get(call.method)!.apply(res, call.args);
          },
          (error: unknown) => {
            restore();
            held.length = 0;
            for (const header of REPRESENTATION_HEADERS) res.removeHeader(header);
            onError(error);
          },
        );
      }
      return method === "write" ? true : method === "flushHeaders" ? undefined : res;
    };
  }
}
