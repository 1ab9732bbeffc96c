import { ServerResponse } from "node:http";
import { ROUTE_ONLY_HEADERS } from "../transports/replaced-response.js";
import { mergeVary } from "../transports/transport-options.js";

type HeldMethod = "writeHead" | "write" | "end" | "flushHeaders";
type Method = (this: ServerResponse, ...args: unknown[]) => unknown;
type ResponseMethods = Record<HeldMethod, Method>;

const HELD_METHODS: readonly HeldMethod[] = ["writeHead", "write", "end", "flushHeaders"];

/**
 * The held methods on Node's response prototype and what they need, one per process: every copy of
 * sessionrow loaded (its ESM and CommonJS builds, a test runner's module registries and global
 * contexts) finds them on the prototype itself under a registered symbol, so the prototype gets one
 * layer, not one per copy.
 */
interface ResponseHolds {
  /** The holds of responses that go through the held methods. */
  holds: WeakMap<ServerResponse, { send(method: HeldMethod, args: unknown[]): unknown }>;
  /** The held methods installed on the prototype. */
  held: ResponseMethods;
  /** The methods the prototype had before: the held ones forward to them. */
  forwards: ResponseMethods;
}

const RESPONSE_HOLDS = Symbol.for("sessionrow.responseHolds.v1");

/** This copy's view of the process's {@link ResponseHolds}, once {@link prepareResponseHolds} ran. */
let responseHolds: ResponseHolds | undefined;

/**
 * Delays the response until `beforeSend` has finished: the first call that would send headers
 * (`writeHead`, `write`, `end`, `flushHeaders`) starts `beforeSend`. When it returns without a
 * promise (it had nothing to wait for), that call goes through at once. Otherwise it and every later
 * call are replayed in order once the promise resolves (headers given to a held `writeHead` are
 * merged with those set meanwhile, so the session's `Set-Cookie` survives a route's own). If it
 * throws or rejects, the held calls and the headers only they may carry are dropped, the response is
 * marked `Cache-Control: no-store`, and `onError` gets the error while nothing is sent yet, so an
 * error response replaces the response. A replayed call that throws (a header value Node refuses)
 * goes to `onError` too, or destroys the response if its headers are already out.
 *
 * The hold sits above every wrapper of the response's methods another middleware made before it
 * (compression, on-headers), and below those made after it. When nothing wrapped the response yet,
 * that is where the methods {@link prepareResponseHolds} installed already are, and the response
 * only gets an entry in a WeakMap; otherwise the held methods become the response's own properties.
 */
export function holdResponseUntil(
  res: ServerResponse,
  beforeSend: () => Promise<void> | void,
  onError: (error: unknown) => void,
): void {
  const shared = responseHolds;
  if (shared !== undefined && !shared.holds.has(res) && inheritsHeldMethods(res, shared.held)) {
    shared.holds.set(res, new ResponseHold(res, shared.forwards, beforeSend, onError, shared));
    return;
  }
  const methods = res as unknown as ResponseMethods;
  const { writeHead, write, end, flushHeaders } = methods;
  const patched: ResponseMethods = {
    writeHead: (...args) => hold.send("writeHead", args),
    write: (...args) => hold.send("write", args),
    end: (...args) => hold.send("end", args),
    flushHeaders: (...args) => hold.send("flushHeaders", args),
  };
  const hold = new ResponseHold(res, { writeHead, write, end, flushHeaders }, beforeSend, onError, null, patched);
  Object.assign(res, patched);
}

/** Whether each of the response's methods is the held one it inherits: no middleware wrapped it. */
function inheritsHeldMethods(res: ServerResponse, held: ResponseMethods): boolean {
  const methods = res as unknown as ResponseMethods;
  return methods.writeHead === held.writeHead && methods.end === held.end && methods.write === held.write && methods.flushHeaders === held.flushHeaders;
}

/**
 * Installs, once per process, held methods on Node's `http.ServerResponse.prototype`: while a
 * response has a hold they hold it, otherwise they forward to the methods the prototype had (an
 * inherited one is looked up at each call, so a later patch of `OutgoingMessage.prototype`, by an
 * APM agent for instance, still runs). The middleware calls this when it is created.
 *
 * Why not patch every response: Express changes the prototype of
 * every response (`Object.setPrototypeOf`), after which V8 gives each response a hidden class of its
 * own, so that every property added to one takes a slow path: in V8 profiles of the bench's
 * authenticated read, the hold's functions took about 24 µs per request patching each response and
 * 6 µs through the prototype.
 */
export function prepareResponseHolds(): void {
  if (responseHolds !== undefined) return;
  const prototype = ServerResponse.prototype as { [RESPONSE_HOLDS]?: ResponseHolds };
  if (prototype[RESPONSE_HOLDS] === undefined) {
    Object.defineProperty(prototype, RESPONSE_HOLDS, { value: installHeldMethods() });
  }
  responseHolds = prototype[RESPONSE_HOLDS];
}

function installHeldMethods(): ResponseHolds {
  const prototype = ServerResponse.prototype as unknown as ResponseMethods;
  const parent = Object.getPrototypeOf(prototype) as ResponseMethods;
  const holds: ResponseHolds["holds"] = new WeakMap();
  const forwards = {} as ResponseMethods;
  const held = {} as ResponseMethods;
  for (const method of HELD_METHODS) {
    const own = Object.hasOwn(prototype, method) ? prototype[method] : undefined;
    const forward =
      own ??
      function (this: ServerResponse, ...args: unknown[]): unknown {
        return parent[method].apply(this, args);
      };
    forwards[method] = forward;
    // A method named as the one it replaces, for stack traces.
    held[method] = {
      [method](this: ServerResponse, ...args: unknown[]): unknown {
        const hold = holds.get(this);
        return hold === undefined ? forward.apply(this, args) : hold.send(method, args);
      },
    }[method]!;
    Object.defineProperty(prototype, method, { configurable: true, writable: true, enumerable: true, value: held[method] });
  }
  return { holds, held, forwards };
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
  readonly #beforeSend: () => Promise<void> | void;
  readonly #onError: (error: unknown) => void;
  /** Where the hold is registered, for a response that inherits the held methods. */
  readonly #shared: ResponseHolds | null;
  /** The held methods made the response's own properties, otherwise. */
  readonly #patched: ResponseMethods | null;

  constructor(
    res: ServerResponse,
    original: ResponseMethods,
    beforeSend: () => Promise<void> | void,
    onError: (error: unknown) => void,
    shared: ResponseHolds | null,
    patched: ResponseMethods | null = null,
  ) {
    this.#res = res;
    this.#original = original;
    this.#beforeSend = beforeSend;
    this.#onError = onError;
    this.#shared = shared;
    this.#patched = patched;
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
    const res = this.#res;
    if (this.#shared !== null) {
      this.#shared.holds.delete(res);
      return;
    }
    // A wrapper another middleware put on top since keeps calling the held method, which now forwards.
    const methods = res as unknown as ResponseMethods;
    for (const method of HELD_METHODS) if (methods[method] === this.#patched![method]) methods[method] = this.#original[method];
  }

  #replay(): void {
    this.#restore();
    const res = this.#res;
    const held = this.#held!.splice(0);
    for (const { method, args } of held) {
      // While held, `headersSent` stayed false, so a middleware may have called writeHead again
      // (compression does before each write): the first one sent the headers.
      if (method === "writeHead" && res.headersSent) continue;
      try {
        this.#original[method].apply(res, method === "writeHead" ? mergeWriteHeadHeaders(res, args) : args);
      } catch (error) {
        // The route would have had this throw at once (a header value Node refuses): Express answers it.
        if (res.headersSent) res.destroy(error as Error);
        else this.#onError(error);
        return;
      }
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

