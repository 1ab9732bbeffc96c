/**
 * The store verbs as telemetry names them (`db.operation.name`): `update` is a version-checked
 * content write, `locked_update` the same write under a row lock after a conflict, `merged_update` a
 * write of changes relative to whatever the row holds (counters, keys set outright), `touch` a
 * metadata-only write, `prune` one batch of `deleteExpired`.
 */
export type StoreOperationName =
  | "load"
  | "insert"
  | "update"
  | "locked_update"
  | "merged_update"
  | "touch"
  | "delete"
  | "prune"
  | "list_by_user"
  | "delete_by_user"
  | "load_user";

/** One store call, as the core describes it to telemetry. Holds the session's id (a hash), never its token. */
export interface StoreOperation {
  name: StoreOperationName;
  /** The stored id of the session the call reads or writes. */
  sessionId?: string;
  /** The most rows a `prune` batch deletes. */
  batchSize?: number;
}
