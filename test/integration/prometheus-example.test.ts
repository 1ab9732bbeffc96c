import { execFile } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";

const ROOT = path.resolve(__dirname, "../..");
const EXAMPLE = path.join(ROOT, "examples/opentelemetry/prometheus.ts");

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("examples/opentelemetry/prometheus.ts (the README's Prometheus sample)", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.drop());

  it("serves sessionrow's metrics to a Prometheus scrape, with the counts of what it did", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", EXAMPLE], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: database.url, METRICS_PORT: String(await freePort()) },
      timeout: 60_000,
    });
    const scope = 'otel_scope_name="sessionrow"';
    const lines = stdout.split("\n");
    for (const expected of [
      `sessionrow_session_created_total{${scope}} 3`,
      `sessionrow_session_destroyed_total{${scope}} 1`,
      `sessionrow_session_pruned_total{${scope}} 2`,
      `sessionrow_login_total{${scope}} 1`,
      `sessionrow_session_conflict_total{sessionrow_conflict_resolution="merged",${scope}} 1`,
      `sessionrow_session_save_attempts_count{${scope}} 5`,
      `sessionrow_session_save_attempts_sum{${scope}} 6`,
      `sessionrow_session_save_attempts_bucket{${scope},le="1"} 4`,
    ]) {
      expect(lines).toContain(expected);
    }
    const durationCounts = Object.fromEntries(
      lines
        .map((line) => /^sessionrow_store_operation_duration_count\{db_system_name="postgresql",db_collection_name="Session",db_operation_name="(\w+)",otel_scope_name="sessionrow"\} (\d+)$/.exec(line))
        .filter((match) => match !== null)
        .map((match) => [match[1], Number(match[2])]),
    );
    expect(durationCounts).toEqual({ insert: 3, load: 3, update: 2, merged_update: 1, delete: 1, prune: 2 });
  }, 90_000);
});
