import { ROUTE_ONLY_HEADERS } from "../transports/replaced-response.js";
import { mergeVary } from "../transports/transport-options.js";
import type { ServerResponse } from "node:http";

type HeldMethod = "writeHead" | "write" | "end" | "flushHeaders";
type Method = (...args: unknown[]) => unknown;
type PatchedResponse = Record<HeldMethod, Method>;

/**
 * Delays the response until `beforeSend` has finished: the first call that would send headers
 * (`writeHead`, `write`, `end`, `flushHeaders`) starts `beforeSend`. When it returns without a
 * promise (it had nothing to wait for), that call goes through at once. Otherwise it and every later
 * call are replayed in order once the promise resolves (headers given to a held `writeHead` are
 * merged with those set meanwhile, so the session's `Set-Cookie` survives a route's own). If it
 * throws or rejects, the held calls and the headers only they may carry are dropped, the response is
 * marked `Cache-Control: no-store`, and `onError` gets the error while nothing is sent yet, so an
 * error response replaces the response.
 */
export function holdResponseUntil(
  res: ServerResponse,
  beforeSend: () => Promise<void> | void,
  onError: (error: unknown) => void,
): void {
  const patched = res as unknown as PatchedResponse;
  const { writeHead, write, end, flushHeaders } = patched;
  /** `idle` until the first send, `holding` while `beforeSend` runs, `done` once it has finished. */
  let phase: "idle" | "holding" | "done" = "idle";
  const held: { method: HeldMethod; args: unknown[] }[] = [];

  function restore(): void {
    phase = "done";
    patched.writeHead = writeHead;
    patched.write = write;
    patched.end = end;
    patched.flushHeaders = flushHeaders;
  }
  function originalOf(method: HeldMethod): Method {
    return method === "writeHead" ? writeHead : method === "write" ? write : method === "end" ? end : flushHeaders;
  }
  function fail(error: unknown): void {
    restore();
    held.length = 0;
    for (const header of ROUTE_ONLY_HEADERS) res.removeHeader(header);
    res.setHeader("Cache-Control", "no-store");
    onError(error);
  }
  function replay(): void {
    restore();
    for (const call of held.splice(0)) originalOf(call.method).apply(res, call.method === "writeHead" ? mergeWriteHeadHeaders(res, call.args) : call.args);
  }
  function send(method: HeldMethod, args: unknown[]): unknown {
    // A reference to a patched method taken before the hold ended (another middleware's wrapper) still calls it.
    if (phase === "done") return originalOf(method).apply(res, args);
    const heldValue = method === "write" ? true : method === "flushHeaders" ? undefined : res;
    if (phase === "holding") {
      held.push({ method, args });
      return heldValue;
    }
    let waiting: Promise<void> | void;
    try {
      waiting = beforeSend();
    } catch (error) {
      // Failed before anything was sent: held like a rejection, so the route's later calls are dropped too.
      waiting = Promise.reject(error);
    }
    if (waiting === undefined) {
      restore();
      return originalOf(method).apply(res, method === "writeHead" ? mergeWriteHeadHeaders(res, args) : args);
    }
    phase = "holding";
    held.push({ method, args });
    waiting.then(replay, fail);
    return heldValue;
  }

  patched.writeHead = (...args) => send("writeHead", args);
  patched.write = (...args) => send("write", args);
  patched.end = (...args) => send("end", args);
  patched.flushHeaders = (...args) => send("flushHeaders", args);
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

