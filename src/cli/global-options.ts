import type { UserIdType } from "./user-id.js";

/** The options every command takes (commander's `optsWithGlobals()`). */
export interface GlobalOptions {
  /** `--database-url`: a PostgreSQL or MySQL/MariaDB URL holding the packaged session table. */
  databaseUrl?: string;
  /** `--config`: a module exporting the app's SessionManager. */
  config?: string;
  /** `--table`: the session table behind `--database-url`. */
  table?: string;
  /** `--user-id-type`: how user ids on the command line are read. */
  userIdType?: UserIdType;
  /** `--verbose`: stack traces with errors. */
  verbose?: boolean;
}
