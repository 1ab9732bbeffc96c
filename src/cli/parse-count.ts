import { InvalidArgumentError } from "commander";

/** A commander option parser for whole numbers of at least `minimum`. */
export function countAtLeast(minimum: number): (value: string) => number {
  return (value) => {
    const count = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(count) || count < minimum) {
      throw new InvalidArgumentError(`expected a whole number${minimum > 0 ? ` of at least ${minimum}` : ""}`);
    }
    return count;
  };
}

/** A commander option parser for a number (decimals allowed) from `minimum` to `maximum`. */
export function numberBetween(minimum: number, maximum: number): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!/^\d+(\.\d+)?$/.test(value) || number < minimum || number > maximum) {
      throw new InvalidArgumentError(`expected a number from ${minimum} to ${maximum}`);
    }
    return number;
  };
}
