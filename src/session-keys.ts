import { SessionDataError } from "./errors.js";
import type { SessionState } from "./session-state.js";
import type { UserId } from "./session-store.js";
import type { Updater } from "./dict-session.js";
import { defineKey } from "./define-key.js";

/** Keys starting with this are the library's (namespaces, flash messages). */
export const RESERVED_PREFIX = "$";
export const FLASH_KEY = "$flash";
const NAMESPACE_PREFIX = "$ns:";

/** The top-level key of the data object that holds namespace `name` (the stored layout, for sessionrow's own integrations). */
export function namespaceKey(name: string): string {
  return `${NAMESPACE_PREFIX}${name}`;
}

/** Writes `updater(current)` to `key` and records the updater for replay after a conflict. */
export function applyUpdate(state: SessionState<UserId>, key: string, updater: Updater<unknown>): unknown {
  const next = updater(state.data.get(key));
  state.write(key, next, { kind: "update", updater });
  return next;
}

export function assertPlainKey(key: string, what = "session key"): void {
  if (typeof key !== "string" || key.length === 0) throw new SessionDataError(`A ${what} must be a non-empty string`);
  if (key === "__proto__") throw new SessionDataError(`The ${what} "__proto__" is not allowed`, { key });
  if (what === "session key" && key.startsWith(RESERVED_PREFIX)) {
    throw new SessionDataError(`Session keys starting with "${RESERVED_PREFIX}" are reserved (use namespace())`, { key });
  }
}

/** `object[key]` if it is the object's own property (not `constructor` or the like from its prototype). */
export function own<T>(object: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

/** A copy of `object` with `key` set to `value`, or removed when `value` is undefined. */
export function withKey<T>(object: Record<string, T>, key: string, value: T | undefined): Record<string, T> {
  const copy: Record<string, T> = {};
  for (const [name, existing] of Object.entries(object)) if (name !== key) defineKey(copy, name, existing);
  if (value !== undefined) defineKey(copy, key, value);
  return copy;
}
