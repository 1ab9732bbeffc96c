import { SessionDataError } from "./errors.js";

/** Nesting deeper than this is rejected: databases refuse or choke on very deep JSON. */
export const MAX_JSON_DEPTH = 64;

/**
 * Checks that `key` and `value` survive a JSON round trip unchanged and that every database can
 * store them, and returns the value's serialized JSON. Only plain objects, arrays, finite numbers, strings, booleans and
 * null pass.
 * @throws SessionDataError naming `key` and the path of the offending value.
 */
export function serializeJsonValue(key: string, value: unknown): string {
  checkString(key, "", key, "the key itself");
  checkValue(key, value, "", new Set(), 0);
  return JSON.stringify(value);
}

function reject(key: string, path: string, problem: string): never {
  const where = path ? `session key "${key}" at ${path}` : `session key "${key}"`;
  throw new SessionDataError(`Cannot store ${where}: ${problem}`, { key });
}

function checkString(key: string, path: string, text: string, what: string): void {
  // PostgreSQL's jsonb rejects NUL and unpaired surrogates; reject them for every store alike.
  if (text.includes("\u0000")) reject(key, path, `${what} contains a NUL character`);
  if (!text.isWellFormed()) reject(key, path, `${what} contains an unpaired UTF-16 surrogate`);
}

function checkValue(key: string, value: unknown, path: string, ancestors: Set<object>, depth: number): void {
  switch (typeof value) {
    case "string":
      checkString(key, path, value, "the string");
      return;
    case "boolean":
      return;
    case "number":
      if (!Number.isFinite(value)) reject(key, path, `${value} is not representable in JSON`);
      return;
    case "undefined":
      return reject(key, path, "undefined is not representable in JSON (delete the key instead)");
    case "bigint":
      return reject(key, path, "a BigInt is not representable in JSON (store it as a string)");
    case "function":
      return reject(key, path, "a function is not representable in JSON");
    case "symbol":
      return reject(key, path, "a symbol is not representable in JSON");
  }
  if (value === null) return;
  const object = value as object;
  if (depth >= MAX_JSON_DEPTH) reject(key, path, `nesting deeper than ${MAX_JSON_DEPTH} levels`);
  if (ancestors.has(object)) reject(key, path, "a circular reference is not representable in JSON");
  ancestors.add(object);
  if (Array.isArray(object)) {
    for (let index = 0; index < object.length; index++) {
      if (!(index in object)) reject(key, `${path}[${index}]`, "a sparse array hole is not representable in JSON");
      checkValue(key, object[index], `${path}[${index}]`, ancestors, depth + 1);
    }
  } else {
    const prototype = Object.getPrototypeOf(object);
    if (prototype !== Object.prototype && prototype !== null) {
      const kind = (object as { constructor?: { name?: string } }).constructor?.name ?? "object";
      reject(key, path, `a ${kind} is not a plain object and would not survive a JSON round trip`);
    }
    if (Object.getOwnPropertySymbols(object).length > 0) reject(key, path, "symbol keys are not representable in JSON");
    for (const [name, child] of Object.entries(object)) {
      if (name === "__proto__") reject(key, path, 'the key "__proto__" is not allowed');
      checkString(key, path, name, `the key ${JSON.stringify(name)}`);
      checkValue(key, child, `${path}.${name}`, ancestors, depth + 1);
    }
  }
  ancestors.delete(object);
}
