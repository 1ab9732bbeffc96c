import cliProgress from "cli-progress";

/** Below this many expired sessions a prune is quick: no bar. */
const PROGRESS_THRESHOLD = 10_000;

/**
 * A progress bar for a large prune, on a terminal. With the expected count known it starts at once
 * (when above the threshold); without it, once the deleted count passes the threshold, showing the
 * count alone.
 */
export class PruneProgress {
  readonly #stream: NodeJS.WriteStream;
  readonly #expected: number | undefined;
  #bar: cliProgress.SingleBar | undefined;

  constructor(stream: NodeJS.WriteStream, expected: number | undefined) {
    this.#stream = stream;
    this.#expected = expected;
    if (expected !== undefined && expected > PROGRESS_THRESHOLD) this.#start(expected, 0);
  }

  /** Reports the running total of deleted sessions. */
  update(deleted: number): void {
    if (this.#bar === undefined && this.#expected === undefined && deleted > PROGRESS_THRESHOLD) this.#start(undefined, deleted);
    if (this.#bar === undefined) return;
    // Rows expiring between the count and the prune can take the total past the estimate.
    if (this.#expected !== undefined && deleted > this.#bar.getTotal()) this.#bar.setTotal(deleted);
    this.#bar.update(deleted);
  }

  /** Removes the bar from the terminal. */
  stop(): void {
    this.#bar?.stop();
  }

  #start(total: number | undefined, deleted: number): void {
    this.#bar = new cliProgress.SingleBar(
      {
        stream: this.#stream,
        format: total === undefined ? "Pruning expired sessions: {value} deleted" : "Pruning expired sessions [{bar}] {percentage}% {value}/{total} | ETA {eta_formatted}",
        clearOnComplete: true,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    this.#bar.start(total ?? 0, deleted);
  }
}
