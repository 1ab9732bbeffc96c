import type { SessionEvents } from "./session-events.js";
import type { UserId } from "./session-store.js";

type Listener<P> = (payload: P) => unknown;
type EventName = keyof SessionEvents;
type ReportedEvent = Exclude<EventName, "error">;

/**
 * Delivers session events to their listeners. A listener that throws or returns a rejected promise
 * never reaches the code that emitted the event (a request, a save): its failure is reported as an
 * `error` event, or as a process warning when nobody listens for `error`.
 */
export class SessionEventDispatcher<TUserId extends UserId> {
  readonly #listeners = new Map<EventName, Listener<never>[]>();

  on<E extends keyof SessionEvents<TUserId>>(event: E, listener: Listener<SessionEvents<TUserId>[E]>): void {
    this.#listeners.set(event, [...(this.#listeners.get(event) ?? []), listener as Listener<never>]);
  }

  off<E extends keyof SessionEvents<TUserId>>(event: E, listener: Listener<SessionEvents<TUserId>[E]>): void {
    const listeners = this.#listeners.get(event) ?? [];
    const index = listeners.lastIndexOf(listener as Listener<never>);
    if (index >= 0) this.#listeners.set(event, [...listeners.slice(0, index), ...listeners.slice(index + 1)]);
  }

  emit<E extends ReportedEvent>(event: E, payload: SessionEvents<TUserId>[E]): void {
    for (const listener of this.#listeners.get(event) ?? []) {
      try {
        const result = (listener as Listener<SessionEvents<TUserId>[E]>)(payload);
        if (isPromiseLike(result)) result.then(undefined, (error: unknown) => this.#report(event, error));
      } catch (error) {
        this.#report(event, error);
      }
    }
  }

  #report(event: ReportedEvent, error: unknown): void {
    const listeners = this.#listeners.get("error") ?? [];
    if (listeners.length === 0) return warn(event, error);
    for (const listener of listeners) {
      try {
        const result = (listener as Listener<SessionEvents["error"]>)({ event, error });
        if (isPromiseLike(result)) result.then(undefined, (failure: unknown) => warn("error", failure));
      } catch (failure) {
        warn("error", failure);
      }
    }
  }
}

function warn(event: EventName, error: unknown): void {
  const reason = error instanceof Error ? error.message : String(error);
  process.emitWarning(`A sessionrow "${event}" event listener failed: ${reason}`, { code: "SESSIONROW_LISTENER_FAILED" });
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}
