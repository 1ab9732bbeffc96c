/** The names of the metrics sessionrow records (documented in the README's "Observability"). */
export const METRICS = {
  created: "sessionrow.session.created",
  destroyed: "sessionrow.session.destroyed",
  expired: "sessionrow.session.expired",
  revoked: "sessionrow.session.revoked",
  pruned: "sessionrow.session.pruned",
  logins: "sessionrow.login",
  logouts: "sessionrow.logout",
  conflicts: "sessionrow.session.conflict",
  saveAttempts: "sessionrow.session.save.attempts",
  storeDuration: "sessionrow.store.operation.duration",
  storeErrors: "sessionrow.store.errors",
} as const;

/** Attribute keys: OpenTelemetry's database semantic conventions, then sessionrow's own. */
export const ATTRIBUTES = {
  dbSystem: "db.system.name",
  dbNamespace: "db.namespace",
  dbCollection: "db.collection.name",
  dbOperation: "db.operation.name",
  errorType: "error.type",
  sessionId: "sessionrow.session.id",
  rowFound: "sessionrow.store.row_found",
  pruneBatchSize: "sessionrow.prune.batch_size",
  pruneDeleted: "sessionrow.prune.deleted",
  conflictResolution: "sessionrow.conflict.resolution",
} as const;

/** The bucket bounds (seconds) the semantic conventions advise for `db.client.operation.duration`. */
export const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10];

/** Bucket bounds for save attempts per commit (1 is a save that met no parallel save). */
export const ATTEMPT_BUCKETS = [1, 2, 3, 4, 8, 16, 32];
