import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { pollUntil } from "../support/poll-until.js";
import { createTestDatabase, postgresUrl, type TestDatabase } from "../support/postgres.js";
import { describeCliScenarios, type CliDatabase } from "./cli-scenarios.js";
import { jsonOf, runCli } from "./run-cli.js";
import { seedSessions } from "./seed-sessions.js";

const PRISMA_CONFIG = path.join(__dirname, "fixtures/prisma.config.ts");

// A Prisma app: `pg` (Prisma's adapter's driver), no TypeORM.
describeCliScenarios("PostgreSQL", ["typeorm"], async (): Promise<CliDatabase> => {
  const database = await createTestDatabase();
  return {
    url: database.url,
    prisma: database.prisma,
    holdDeletes: (waiting) => holdDeletes(database.url, waiting),
    drop: () => database.drop(),
  };
});

/** Locks "Session" against writes (reads go on) until released; `waited` resolves once `waiting` DELETEs wait for it. */
async function holdDeletes(url: string, waiting: number) {
  const locker = new pg.Client({ connectionString: url });
  // Another connection: inside the locking transaction, pg_stat_activity would be a snapshot.
  const watcher = new pg.Client({ connectionString: url });
  await Promise.all([locker.connect(), watcher.connect()]);
  await locker.query('BEGIN; LOCK TABLE "Session" IN SHARE MODE');
  const waited = pollUntil(`${waiting} DELETEs waiting for the lock`, async () => {
    const { rows } = await watcher.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'DELETE%'",
    );
    return rows[0]!.n >= waiting;
  });
  return {
    waited,
    release: async () => {
      await locker.query("COMMIT");
      await Promise.all([locker.end(), watcher.end()]);
    },
  };
}

describe("sessionrow CLI on PostgreSQL: configuration", () => {
  let database: TestDatabase;
  let emptyUrl: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    emptyUrl = await createEmptyDatabase();
  });

  afterAll(async () => {
    await database?.drop();
    if (emptyUrl) await adminQuery(`DROP DATABASE IF EXISTS "${new URL(emptyUrl).pathname.slice(1)}" WITH (FORCE)`);
  });

  it("a config module exporting a Prisma app's SessionManager: every command through the manager, table size unknown", async () => {
    const seeded = await seedSessions(database.prisma);
    const env = { SESSIONROW_TEST_URL: database.url };
    const config = (...args: string[]) => runCli(["--config", PRISMA_CONFIG, ...args], { env });
    const [stats, statsHuman, list, show] = await Promise.all([
      config("stats", "--json"),
      config("stats"),
      config("list", "--user", String(seeded.bob), "--json"),
      config("show", seeded.aliceSessions[0]!, "--json"),
    ]);
    expect(jsonOf(stats)).toEqual({
      total: 10,
      active: 6,
      expired: 4,
      activeWithUser: 4,
      activeAnonymous: 2,
      topUsers: [
        { userId: seeded.alice, sessions: 3 },
        { userId: seeded.bob, sessions: 1 },
      ],
      tableSizeBytes: null,
    });
    expect(statsHuman.stdout).toContain("\ntable size       unknown\n");
    expect(jsonOf<{ id: string }[]>(list).map((session) => session.id)).toEqual(seeded.bobSessions);
    expect(jsonOf(show)).toMatchObject({ id: seeded.aliceSessions[0], data: seeded.richData, expired: false });

    expect(await config("revoke", "--user", String(seeded.alice))).toMatchObject({ code: 0, stdout: `Revoked 4 sessions of user ${seeded.alice}.\n` });
    expect(await config("prune")).toMatchObject({ code: 0, stdout: "Deleted 3 expired sessions.\n" });
    expect(await database.prisma.session.count()).toBe(3);
  });

  it("finds sessionrow.config.ts in the working directory before DATABASE_URL", async () => {
    const directory = await mkdtemp(path.join(tmpdir(), "sessionrow-cli-"));
    try {
      await writeFile(path.join(directory, "sessionrow.config.ts"), `export * from ${JSON.stringify(PRISMA_CONFIG)};\n`);
      const run = await runCli(["list", "--json"], {
        cwd: directory,
        env: { SESSIONROW_TEST_URL: database.url, DATABASE_URL: "postgres://127.0.0.1:1/unused" },
      });
      expect(run).toMatchObject({ code: 0, stderr: "" });
      expect(jsonOf<unknown[]>(run).length).toBe(3);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it("DATABASE_URL when no flag and no config file; a missing table names the migrations to run, in either mode", async () => {
    const [fromEnv, missing, missingNamed, missingThroughConfig] = await Promise.all([
      runCli(["stats", "--json"], { env: { DATABASE_URL: database.url } }),
      runCli(["list"], { env: { DATABASE_URL: emptyUrl } }),
      runCli(["--database-url", emptyUrl, "--table", "user_sessions", "prune"]),
      runCli(["--config", PRISMA_CONFIG, "stats"], { env: { SESSIONROW_TEST_URL: emptyUrl } }),
    ]);
    expect(jsonOf(fromEnv)).toMatchObject({ total: 3 });
    expect(missing).toEqual({
      code: 1,
      stdout: "",
      stderr: `error: the Session table does not exist (nor "session") in ${emptyUrl}: run npx prisma migrate deploy (Prisma) or your TypeORM migrations\n`,
    });
    expect(missingNamed.stderr).toBe(
      `error: the user_sessions table does not exist in ${emptyUrl}: run npx prisma migrate deploy (Prisma) or your TypeORM migrations\n`,
    );
    expect(missingThroughConfig).toMatchObject({ code: 1, stdout: "" });
    expect(missingThroughConfig.stderr).toMatch(
      /^error: the session table does not exist \(.*Session.*\): run npx prisma migrate deploy \(Prisma\) or your TypeORM migrations\n$/,
    );
  });

  it("a large prune on a terminal shows a progress bar; piped output stays one line", async () => {
    // Bulk rows straight in SQL: ten thousand commits through the manager would dominate the test's time.
    await database.prisma.$executeRawUnsafe(
      `INSERT INTO "Session" ("id", "data", "createdAt", "updatedAt", "lastSeenAt", "expiresAt", "absoluteExpiresAt")
       SELECT md5(n::text) || md5('x' || n::text), '{}', now() - interval '2 hours', now() - interval '2 hours', now() - interval '2 hours',
              now() - interval '1 hour', now() + interval '5 days'
       FROM generate_series(1, 10050) AS n`,
    );
    const command = [process.execPath, "--import", "tsx", "src/cli/main.ts", "--database-url", database.url, "prune", "--batch-size", "2000"];
    const run = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn("script", ["-qec", command.map(shellQuote).join(" "), "/dev/null"], {
        cwd: path.resolve(__dirname, "../.."),
        env: { ...process.env, DATABASE_URL: undefined },
      });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, output }));
    });
    expect(run.code).toBe(0);
    expect(run.output).toMatch(/Pruning expired sessions \[[█░]+\] \d+% \d+\/10050/);
    expect(run.output).toContain("Deleted 10050 expired sessions.");
    expect(await database.prisma.session.count()).toBe(3);
  });
});

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, "'\\''")}'`;
}

async function createEmptyDatabase(): Promise<string> {
  const name = `sessionrow_test_empty_${randomBytes(6).toString("hex")}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  const url = new URL(postgresUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
