import { SessionDataError } from "./errors.js";
import type { SessionDataChanges } from "./session-store.js";

/** One recorded change to a top-level session key, replayable on fresh data after a conflict. */
export type KeyChange =
  | { readonly kind: "set"; readonly value: unknown }
  | { readonly kind: "delete" }
  | { readonly kind: "add"; readonly amount: number }
  | { readonly kind: "update"; readonly updater: (current: unknown) => unknown };

/**
 * How a key's recorded changes depend on the value they meet: `absolute` (a set or delete came
 * first: the result is this request's value, whatever the row holds, even after more changes), `sum` (only adds: `amount` is
 * added to whatever number the row holds) or `relative` (an updater: only replaying it tells).
 */
export type KeyDependence = { readonly kind: "absolute" } | { readonly kind: "sum"; readonly amount: number } | { readonly kind: "relative" };

/**
 * The changes a request made, key by key, in order. Replaying them on the data another request saved
 * in the meantime gives the merged result: other keys keep the other request's values, `set` and
 * `delete` win on their own key, `add` adds to the fresh number and `update` re-runs on the fresh value.
 */
export class ChangeLog {
  readonly #changes = new Map<string, KeyChange[]>();

  record(key: string, change: KeyChange): void {
    const changes = this.#changes.get(key);
    // A set or delete makes everything recorded before it on that key irrelevant.
    if (change.kind === "set" || change.kind === "delete" || changes === undefined) this.#changes.set(key, [change]);
    else changes.push(change);
  }

  keys(): IterableIterator<string> {
    return this.#changes.keys();
  }

  has(key: string): boolean {
    return this.#changes.has(key);
  }

  get size(): number {
    return this.#changes.size;
  }

  clear(): void {
    this.#changes.clear();
  }

  /**
   * Forgets the keys outside `changed` whose value this request set outright (a `set` or `delete`,
   * maybe followed by other changes): the request left them as it found them, so replaying them on
   * another request's data would overwrite that request's change. Keys changed only by adds and
   * updaters stay: those are relative to whatever value they meet.
   */
  forgetUnchanged(changed: ReadonlySet<string>): void {
    for (const [key, changes] of this.#changes) {
      if (!changed.has(key) && isAbsolute(changes[0]!)) this.#changes.delete(key);
    }
  }

  /** Whether a number was added to some key (`add`). */
  hasAdditions(): boolean {
    for (const changes of this.#changes.values()) if (changes.some((change) => change.kind === "add")) return true;
    return false;
  }

  /** How the recorded changes of `key` depend on the value they meet (`undefined`: none recorded). */
  dependence(key: string): KeyDependence | undefined {
    const changes = this.#changes.get(key);
    if (changes === undefined) return undefined;
    if (isAbsolute(changes[0]!)) return { kind: "absolute" };
    let amount = 0;
    for (const change of changes) {
      if (change.kind !== "add") return { kind: "relative" };
      amount += change.amount;
    }
    return { kind: "sum", amount };
  }

  /** The value of `key` after replaying its changes on `base` (`undefined`: absent). */
  replay(key: string, base: unknown): unknown {
    let value = base;
    for (const change of this.#changes.get(key) ?? []) {
      if (change.kind === "set") value = change.value;
      else if (change.kind === "delete") value = undefined;
      else if (change.kind === "add") value = sumOf(key, value, change.amount);
      else value = change.updater(value);
    }
    return value;
  }
}

/**
 * `current + amount`, where an absent or null `current` counts as 0.
 * @throws SessionDataError when `current` is something other than a number, or the sum is past
 * `Number.MAX_SAFE_INTEGER` either way (JavaScript would round it; the database would not).
 */
export function sumOf(key: string, current: unknown, amount: number): number {
  if (current !== undefined && current !== null && typeof current !== "number") {
    throw new SessionDataError(`Cannot increment session key "${key}": it holds ${describe(current)}, not a number`, { key });
  }
  const sum = (current ?? 0) + amount;
  if (Math.abs(sum) > Number.MAX_SAFE_INTEGER) {
    throw new SessionDataError(`Cannot increment session key "${key}": the sum would be past Number.MAX_SAFE_INTEGER`, { key });
  }
  return sum;
}

function isAbsolute(change: KeyChange): boolean {
  return change.kind === "set" || change.kind === "delete";
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/**
 * The changes of several requests, in order, as one set of changes: a later set or delete replaces
 * an earlier change of its key, a later add adds to it.
 * @throws SessionDataError when a request adds to a key an earlier one set to something other than a number.
 */
export function combineDataChanges(list: readonly SessionDataChanges[]): SessionDataChanges {
  if (list.length === 1) return list[0]!;
  const set = new Map<string, unknown>();
  const deleted = new Set<string>();
  const added = new Map<string, number>();
  for (const changes of list) {
    for (const key of changes.deleted) {
      set.delete(key);
      added.delete(key);
      deleted.add(key);
    }
    for (const [key, value] of Object.entries(changes.set)) {
      deleted.delete(key);
      added.delete(key);
      set.set(key, value);
    }
    for (const [key, amount] of Object.entries(changes.added)) {
      if (set.has(key)) set.set(key, sumOf(key, set.get(key), amount));
      else if (deleted.delete(key)) set.set(key, amount);
      else added.set(key, (added.get(key) ?? 0) + amount);
    }
  }
  // Object.fromEntries defines own properties, so a "__proto__" key stays a key.
  return { set: Object.fromEntries(set), deleted: [...deleted], added: Object.fromEntries(added) };
}
