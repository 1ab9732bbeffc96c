/** A function from the current value of a key (`undefined`: absent) to its new value. Must be pure. */
export type Updater<T> = (current: T | undefined) => T | undefined;

/** Map-like access to one JSON object: the session itself or one of its namespaces. */
export interface DictSession<Data extends object> {
  /** The value of `key`, or `undefined`. */
  get<K extends keyof Data & string>(key: K): Data[K] | undefined;
  /**
   * Sets `key` (setting `undefined` deletes it).
   * @throws SessionDataError when the value cannot survive a JSON round trip or the data grows over `maxDataBytes`.
   */
  set<K extends keyof Data & string>(key: K, value: Data[K] | undefined): this;
  /** Deletes `key`; returns whether it was present. */
  delete(key: keyof Data & string): boolean;
  /** Whether `key` is set. */
  has(key: keyof Data & string): boolean;
  /** The keys that are set. */
  keys(): (keyof Data & string)[];
  /** The `[key, value]` pairs that are set. */
  entries(): [keyof Data & string, Data[keyof Data & string]][];
  /** Deletes every key. */
  clear(): void;
  /**
   * Sets `key` to `updater(current)`. When a parallel request saved the session first, the updater is
   * re-run on the value that request saved, so read-modify-write (counters, carts) loses nothing.
   * The updater must be pure: it may run more than once. Returning `undefined` deletes the key.
   */
  update<K extends keyof Data & string>(key: K, updater: Updater<Data[K]>): Data[K] | undefined;
}
