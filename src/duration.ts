import ms from "ms";
import { SessionConfigError } from "./errors.js";

/** A duration: milliseconds, or a string such as `"30m"`, `"12h"`, `"7d"`. */
export type Duration = number | string;

/**
 * Converts a {@link Duration} to milliseconds.
 * @throws SessionConfigError when the value is not a positive, finite duration.
 */
export function toMilliseconds(value: Duration, optionName: string): number {
  const milliseconds = typeof value === "number" ? value : ms(value as ms.StringValue);
  if (typeof milliseconds !== "number" || !Number.isFinite(milliseconds) || milliseconds <= 0) {
    throw new SessionConfigError(
      `${optionName} must be a positive duration in milliseconds or a string like "30m" (got ${JSON.stringify(value)})`,
    );
  }
  return milliseconds;
}
