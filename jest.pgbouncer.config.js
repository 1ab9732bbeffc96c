// The PostgreSQL tests that matter behind a connection pooler, run with the app's connections (Prisma's
// adapter-pg pool, TypeORM's DataSource, the child processes) going through PgBouncer in transaction
// pooling mode (.ci/pgbouncer/pgbouncer.ini); migrations and CREATE/DROP DATABASE go to PostgreSQL
// directly. `npm test` runs it after the main suite; no PgBouncer is a failure (test/support/global-setup.ts).
import base from "./jest.config.js";

export default {
  ...base,
  displayName: "pgbouncer",
  globals: { sessionrowThroughPgBouncer: true },
  // The multi-process concurrency test starts 4 tsx processes: on a loaded 2-core machine that alone can pass 30 s.
  testTimeout: 90_000,
  testMatch: [
    "<rootDir>/test/contract/postgres-stores.test.ts",
    "<rootDir>/test/integration/concurrency.test.ts",
    "<rootDir>/test/integration/sql-store-reliability.test.ts",
    "<rootDir>/test/pgbouncer/small-server-pool.pgbouncer-test.ts",
    "<rootDir>/test/pgbouncer/prepared-statements.pgbouncer-test.ts",
  ],
};
