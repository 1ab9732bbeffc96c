import { ServerResponse } from "node:http";
import { ROUTE_ONLY_HEADERS } from "../transports/replaced-response.js";
import { mergeVary } from "../transports/transport-options.js";

type HeldMethod = "writeHead" | "write" | "end" | "flushHeaders";
type Method = (this: ServerResponse, ...args: unknown[]) => unknown;
type ResponseMethods = Record<HeldMethod, Method>;

const HELD_METHODS: readonly HeldMethod[] = ["writeHead", "write", "end", "flushHeaders"];

/** The holds of responses that go through the held methods of Node's response prototype. */
const holds = new WeakMap<ServerResponse, ResponseHold>();

/** The methods Node's response prototype had before {@link prepareResponseHolds}; `undefined` until then. */
let forwards: ResponseMethods | undefined;

/**
 * Delays the response until `beforeSend` has finished: the first call that would send headers
 * (`writeHead`, `write`, `end`, `flushHeaders`) starts `beforeSend`. When it returns without a
 * promise (it had nothing to wait for), that call goes through at once. Otherwise it and every later
 * call are replayed in order once the promise resolves (headers given to a held `writeHead` are
 * merged with those set meanwhile, so the session's `Set-Cookie` survives a route's own). If it
 * throws or rejects, the held calls and the headers only they may carry are dropped, the response is
 * marked `Cache-Control: no-store`, and `onError` gets the error while nothing is sent yet, so an
 * error response replaces the response.
 *
 * After {@link prepareResponseHolds}, a Node response holds through the methods it inherits, below
 * any wrapper another middleware put on the response itself. Before it, and for a second hold on one
 * response or a response that is no `ServerResponse`, the held methods become the response's own.
 */
export function holdResponseUntil(
  res: ServerResponse,
  beforeSend: () => Promise<void> | void,
  onError: (error: unknown) => void,
): void {
  if (forwards !== undefined && res instanceof ServerResponse && !holds.has(res)) {
    holds.set(res, new ResponseHold(res, forwards, beforeSend, onError, false));
    return;
  }
  const patched = res as unknown as ResponseMethods;
  const { writeHead, write, end, flushHeaders } = patched;
  const hold = new ResponseHold(res, { writeHead, write, end, flushHeaders }, beforeSend, onError, true);
  patched.writeHead = (...args) => hold.send("writeHead", args);
  patched.write = (...args) => hold.send("write", args);
  patched.end = (...args) => hold.send("end", args);
  patched.flushHeaders = (...args) => hold.send("flushHeaders", args);
}

/**
 * Installs, once, held methods on Node's `ServerResponse.prototype`: while a response has a hold they
 * hold it, otherwise they forward to the methods the prototype had (an inherited one is looked up at
 * each call, so a later patch of `OutgoingMessage.prototype`, by an APM agent for instance, still
 * runs). The middleware calls this when it is created, before the app serves, so that a middleware
 * that keeps a response's method before the session middleware runs (compression does) keeps a
 * held one.
 *
 * Why not patch each response: Express gives every response a prototype of its own
 * (`Object.setPrototypeOf`), so V8 handles each one's properties through a slow path, and adding four
 * methods to it and putting them back cost about 18 µs per request (V8 profile of the bench's read).
 */
export function prepareResponseHolds(): void {
  if (forwards !== undefined) return;
  const prototype = ServerResponse.prototype as unknown as ResponseMethods;
  const parent = Object.getPrototypeOf(prototype) as ResponseMethods;
  const previous = {} as ResponseMethods;
  for (const method of HELD_METHODS) {
    previous[method] = Object.hasOwn(prototype, method)
      ? prototype[method]
      : function (this: ServerResponse, ...args: unknown[]): unknown {
          return parent[method].apply(this, args);
        };
  }
  for (const method of HELD_METHODS) {
    const forward = previous[method];
    Object.defineProperty(prototype, method, {
      configurable: true,
      writable: true,
      value: function (this: ServerResponse, ...args: unknown[]): unknown {
        const hold = holds.get(this);
        return hold === undefined ? forward.apply(this, args) : hold.send(method, args);
      },
    });
  }
  forwards = previous;
}

/**
 * One response's hold. A class rather than closures: this runs on every request, and its methods
 * are shared instead of being created (and, in builds that keep function names, named) per request.
 */
class ResponseHold {
  /** `idle` until the first send, `holding` while `beforeSend` runs, `done` once it has finished. */
  #phase: "idle" | "holding" | "done" = "idle";
  #held: { method: HeldMethod; args: unknown[] }[] | undefined;
  readonly #res: ServerResponse;
  /** The methods the held ones forward to once the hold is done. */
  readonly #original: ResponseMethods;
  /** Whether the held methods are the response's own properties, to put back when done. */
  readonly #patched: boolean;
  readonly #beforeSend: () => Promise<void> | void;
  readonly #onError: (error: unknown) => void;

  constructor(
    res: ServerResponse,
    original: ResponseMethods,
    beforeSend: () => Promise<void> | void,
    onError: (error: unknown) => void,
    patched: boolean,
  ) {
    this.#res = res;
    this.#original = original;
    this.#patched = patched;
    this.#beforeSend = beforeSend;
    this.#onError = onError;
  }

  send(method: HeldMethod, args: unknown[]): unknown {
    const res = this.#res;
    // A reference to a patched method taken before the hold ended (another middleware's wrapper) still calls it.
    if (this.#phase === "done") return this.#original[method].apply(res, args);
    const heldValue = method === "write" ? true : method === "flushHeaders" ? undefined : res;
    if (this.#phase === "holding") {
      (this.#held ??= []).push({ method, args });
      return heldValue;
    }
    let waiting: Promise<void> | void;
    try {
      waiting = this.#beforeSend();
    } catch (error) {
      // Failed before anything was sent: held like a rejection, so the route's later calls are dropped too.
      waiting = Promise.reject(error);
    }
    if (waiting === undefined) {
      this.#restore();
      return this.#original[method].apply(res, method === "writeHead" ? mergeWriteHeadHeaders(res, args) : args);
    }
    this.#phase = "holding";
    (this.#held ??= []).push({ method, args });
    waiting.then(
      () => this.#replay(),
      (error: unknown) => this.#fail(error),
    );
    return heldValue;
  }

  #restore(): void {
    this.#phase = "done";
    if (this.#patched) Object.assign(this.#res, this.#original);
  }

  #replay(): void {
    this.#restore();
    const res = this.#res;
    for (const { method, args } of this.#held!.splice(0)) {
      // While held, `headersSent` stayed false, so a middleware may have called writeHead again
      // (compression does before each write): the first one sent the headers.
      if (method === "writeHead" && res.headersSent) continue;
      this.#original[method].apply(res, method === "writeHead" ? mergeWriteHeadHeaders(res, args) : args);
    }
  }

  #fail(error: unknown): void {
    this.#restore();
    this.#held!.length = 0;
    const res = this.#res;
    for (const header of ROUTE_ONLY_HEADERS) res.removeHeader(header);
    res.setHeader("Cache-Control", "no-store");
    this.#onError(error);
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

