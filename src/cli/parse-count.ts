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
