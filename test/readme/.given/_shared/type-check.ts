/** `true` only when A and B are the same type (`any` and `unknown` included), not merely assignable. */
export type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Compiles only when `Actual` is exactly `Expected`: `assertType<typeof user, User | null>(true)`. */
export function assertType<Actual, Expected>(same: Equals<Actual, Expected>): void {
  void same;
}
