/** One recorded change to a top-level session key, replayable on fresh data after a conflict. */
export type KeyChange =
  | { readonly kind: "set"; readonly value: unknown }
  | { readonly kind: "delete" }
  | { readonly kind: "update"; readonly updater: (current: unknown) => unknown };

/**
 * The changes a request made, key by key, in order. Replaying them on the data another request saved
 * in the meantime gives the merged result: other keys keep the other request's values, `set` and
 * `delete` win on their own key, and `update` re-runs on the fresh value.
 */
export class ChangeLog {
  readonly #changes = new Map<string, KeyChange[]>();

  record(key: string, change: KeyChange): void {
    const changes = this.#changes.get(key);
    // A set or delete makes everything recorded before it on that key irrelevant.
    if (change.kind !== "update" || changes === undefined) this.#changes.set(key, [change]);
    else changes.push(change);
  }

  keys(): IterableIterator<string> {
    return this.#changes.keys();
  }

  has(key: string): boolean {
    return this.#changes.has(key);
  }

  get size(): number {
    return this.#changes.size;
  }

  clear(): void {
    this.#changes.clear();
  }

  /**
   * Forgets the keys outside `changed` whose value this request set outright (a `set` or `delete`,
   * maybe followed by updates): the request left them as it found them, so replaying them on another
   * request's data would overwrite that request's change. Keys changed only by updaters stay: an
   * updater is relative to whatever value it meets.
   */
  forgetUnchanged(changed: ReadonlySet<string>): void {
    for (const [key, changes] of this.#changes) {
      if (!changed.has(key) && changes[0]!.kind !== "update") this.#changes.delete(key);
    }
  }

  /** The value of `key` after replaying its changes on `base` (`undefined`: absent). */
  replay(key: string, base: unknown): unknown {
    let value = base;
    for (const change of this.#changes.get(key) ?? []) {
      if (change.kind === "set") value = change.value;
      else if (change.kind === "delete") value = undefined;
      else value = change.updater(value);
    }
    return value;
  }
}
