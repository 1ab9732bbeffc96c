/** Per-key memory kept while a key has work queued or running. */
export interface BatchMemo<R> {
  /** The newest result a batch of this key produced. */
  latest: R | undefined;
}

/** A key's queued items (each with its `run` call's promise to settle) and memo. */
interface Queue<T, R> {
  pending: { item: T; resolve: () => void; reject: (error: unknown) => void }[];
  memo: BatchMemo<R>;
}

/**
 * Runs work for the same key one batch at a time: items queued while a batch of their key runs
 * are handed to the processor together as the next batch. Different keys run independently.
 * The processor returns one outcome per item: `undefined` for success, else the error that item's
 * `run` call rejects with.
 */
export class KeyedBatchQueue<T, R> {
  readonly #queues = new Map<string, Queue<T, R>>();

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
      queue.pending.push({ item, resolve, reject });
    });
    if (start) void this.#drain(key, queue);
    return done;
  }

  async #drain(key: string, queue: Queue<T, R>): Promise<void> {
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
      batch.forEach((entry, index) => (outcomes[index] === undefined ? entry.resolve() : entry.reject(outcomes[index])));
    }
    this.#queues.delete(key);
  }
}
