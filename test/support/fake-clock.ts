import type { Clock } from "../../src/index.js";

/** A clock that only moves when told to. */
export class FakeClock implements Clock {
  constructor(private time = Date.UTC(2026, 0, 1, 12, 0, 0)) {}

  now(): number {
    return this.time;
  }

  advance(milliseconds: number): void {
    this.time += milliseconds;
  }
}
