import type { UserId } from "../session-store.js";
import { CliError } from "./cli-error.js";

/** How a user id typed on the command line is read: as the number an integer key holds, or as a string. */
export type UserIdType = "integer" | "string";

/**
 * Reads a user id from the command line. With no known type, an all-digits value is an
 * integer. Integers beyond `Number.MAX_SAFE_INTEGER` stay strings (a bigint key: the database converts them).
 * @throws CliError when `type` is `"integer"` and the value is not one.
 */
export function parseUserId(value: string, type: UserIdType | undefined): UserId {
  if (type === "string") return value;
  const integer = type === "integer" ? /^-?\d+$/.test(value) : /^\d+$/.test(value);
  if (!integer) {
    if (type === "integer") throw new CliError(`user id "${value}" is not an integer (the userId column holds integers)`);
    return value;
  }
  const number = Number(value);
  return Number.isSafeInteger(number) ? number : value;
}
