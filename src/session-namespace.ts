import { inspect } from "node:util";
import type { DictSession, Updater } from "./dict-session.js";
import { applyUpdate, assertPlainKey, own, withKey } from "./session-keys.js";
import type { SessionState } from "./session-state.js";
import type { UserId } from "./session-store.js";

/** A namespace: a JSON object stored under one reserved top-level key. */
export class SessionNamespace<NS extends object> implements DictSession<NS> {
  readonly #state: SessionState<UserId>;
  readonly #key: string;
  readonly #assertWritable: () => void;

  constructor(state: SessionState<UserId>, key: string, assertWritable: () => void) {
    this.#state = state;
    this.#key = key;
    this.#assertWritable = assertWritable;
  }

  #object(): Record<string, unknown> {
    return (this.#state.data.get(this.#key) ?? {}) as Record<string, unknown>;
  }

  get<K extends keyof NS & string>(key: K): NS[K] | undefined {
    return Object.hasOwn(this.#object(), key) ? (this.#object()[key] as NS[K]) : undefined;
  }

  set<K extends keyof NS & string>(key: K, value: NS[K] | undefined): this {
    this.update(key, () => value);
    return this;
  }

  delete(key: keyof NS & string): boolean {
    const existed = this.has(key);
    if (existed) this.update(key, () => undefined);
    return existed;
  }

  has(key: keyof NS & string): boolean {
    return Object.hasOwn(this.#object(), key);
  }

  keys(): (keyof NS & string)[] {
    return Object.keys(this.#object()) as (keyof NS & string)[];
  }

  entries(): [keyof NS & string, NS[keyof NS & string]][] {
    return Object.entries(this.#object()) as [keyof NS & string, NS[keyof NS & string]][];
  }

  clear(): void {
    this.#assertWritable();
    applyUpdate(this.#state, this.#key, () => undefined);
  }

  update<K extends keyof NS & string>(key: K, updater: Updater<NS[K]>): NS[K] | undefined {
    this.#assertWritable();
    assertPlainKey(key, "namespace key");
    let result: NS[K] | undefined;
    applyUpdate(this.#state, this.#key, (current) => {
      const object = (current ?? {}) as Record<string, unknown>;
      result = updater(own(object, key) as NS[K] | undefined);
      const next = withKey(object, key, result);
      return Object.keys(next).length > 0 ? next : undefined;
    });
    return result;
  }

  /** The namespace's own entries, and nothing else of the session. */
  toJSON(): Record<string, unknown> {
    return Object.fromEntries(this.entries());
  }

  /** What `util.inspect` and `console.log` show: the namespace's own entries. */
  [inspect.custom](): string {
    return `SessionNamespace ${inspect(this.toJSON())}`;
  }
}
