/** Per-key memory kept while a key has work queued or running. */
export interface BatchMemo<R> {
  /** The newest result a batch of this key produced. */
  latest: R | undefined;
}

/**
 * Runs work for the same key one batch at a time: items queued while a batch of their key runs
 * are handed to the processor together as the next batch. Different keys run independently.
 * The processor returns one outcome per item: `undefined` for success, else the error that item's
 * `run` call rejects with.
 */
export class KeyedBatchQueue<T, R> {
  readonly #queues = new Map<string, { pending: { item: T; settle: (error: unknown) => void }[]; memo: BatchMemo<R> }>();

  constructor(private readonly processor: (items: T[], memo: BatchMemo<R>) => Promise<unknown[]>) {}

  /** Queues `item` under `key`; resolves when its batch has been processed. */
  run(key: string, item: T): Promise<void> {
    let queue = this.#queues.get(key);
    const start = queue === undefined;
    if (!queue) {
      queue = { pending: [], memo: { latest: undefined } };
      this.#queues.set(key, queue);
    }
    const done = new Promise<void>((resolve, reject) => {
      queue.pending.push({ item, settle: (error) => (error === undefined ? resolve() : reject(error)) });
    });
    if (start) void this.#drain(key, queue);
    return done;
  }

  async #drain(key: string, queue: { pending: { item: T; settle: (error: unknown) => void }[]; memo: BatchMemo<R> }): Promise<void> {
    while (queue.pending.length > 0) {
      const batch = queue.pending.splice(0);
      let outcomes: unknown[];
      try {
        outcomes = await this.processor(
          batch.map((entry) => entry.item),
          queue.memo,
        );
      } catch (error) {
        outcomes = batch.map(() => error);
      }
      batch.forEach((entry, index) => entry.settle(outcomes[index]));
    }
    this.#queues.delete(key);
  }
}
