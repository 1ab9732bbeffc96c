/** `object[key] = value` as an own property, even for `__proto__` (which would set the prototype). */
export function defineKey<T>(object: Record<string, T>, key: string, value: NoInfer<T>): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}
