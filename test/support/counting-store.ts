import type { SessionStore } from "../../src/index.js";

/** Wraps every store method to count the calls that reach the database. */
export function countingStore<S extends SessionStore<number, unknown>>(store: S): { store: S; calls: () => number } {
  let calls = 0;
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        calls++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: proxy, calls: () => calls };
}
