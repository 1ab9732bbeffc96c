import path from "node:path";
import mysql from "mysql2/promise";
import { SessionManager } from "../../src/index.js";
import { pollUntil } from "../support/poll-until.js";
import { createMariaDbDatabase, createMariaDbTestDatabase, type MariaDbDatabase } from "../support/mariadb.js";
import { openTypeORM, User, type TypeORMTestDatabase } from "../support/typeorm.js";
import { describeCliScenarios, type CliDatabase } from "./cli-scenarios.js";
import { jsonOf, runCli } from "./run-cli.js";

const TYPEORM_CONFIG = path.join(__dirname, "fixtures/typeorm.config.ts");

// A Prisma app on MariaDB has the `mariadb` driver (Prisma's adapter's) and neither TypeORM nor mysql2.
describeCliScenarios("MariaDB", ["typeorm", "mysql2"], async (): Promise<CliDatabase> => {
  const database = await createMariaDbTestDatabase();
  return {
    url: database.url,
    prisma: database.prisma,
    holdDeletes: (waiting) => holdDeletes(database.url, waiting),
    drop: () => database.drop(),
  };
});

/** Locks `Session` against writes (reads go on) until released; `waited` resolves once `waiting` DELETEs wait for it. */
async function holdDeletes(url: string, waiting: number) {
  const [locker, watcher] = await Promise.all([mysql.createConnection({ uri: url }), mysql.createConnection({ uri: url })]);
  await locker.query("LOCK TABLES `Session` READ");
  const waited = pollUntil(`${waiting} DELETEs waiting for the lock`, async () => {
    const [rows] = await watcher.query<mysql.RowDataPacket[]>(
      "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND INFO LIKE 'DELETE%' AND STATE LIKE 'Waiting for table%'",
    );
    return Number(rows[0]!.n) >= waiting;
  });
  return {
    waited,
    release: async () => {
      await locker.query("UNLOCK TABLES");
      await Promise.all([locker.end(), watcher.end()]);
    },
  };
}

describe("sessionrow CLI on MariaDB: a TypeORM app", () => {
  let database: MariaDbDatabase;
  let typeorm: TypeORMTestDatabase;

  beforeAll(async () => {
    database = await createMariaDbDatabase();
    typeorm = await openTypeORM({ type: "mariadb", url: database.url, timezone: "Z" });
  });

  afterAll(async () => {
    await typeorm?.close();
    await database?.drop();
  });

  it("finds TypeORM's session table behind a URL, and works through a config module exporting the app's SessionManager", async () => {
    const users = typeorm.dataSource.getRepository(User);
    const user = await users.save({ email: "carol@example.com" });
    const sessions = SessionManager.fromTypeORM(typeorm.dataSource, { entity: typeorm.Session, secret: "a-test-secret-of-at-least-thirty-two-characters" });
    const ids: string[] = [];
    for (const userId of [user.id, null]) {
      const session = sessions.create();
      if (userId !== null) await session.setUser(userId);
      session.set("n", 1);
      await sessions.commit(session);
      ids.push(session.id);
    }

    const env = { SESSIONROW_TEST_URL: database.url };
    const [byUrl, statsByUrl, byConfig, statsByConfig] = await Promise.all([
      runCli(["--database-url", database.url, "list", "--json"]),
      runCli(["--database-url", database.url, "stats", "--json"]),
      runCli(["--config", TYPEORM_CONFIG, "list", "--user", String(user.id), "--json"], { env }),
      runCli(["--config", TYPEORM_CONFIG, "stats", "--json"], { env }),
    ]);
    expect(jsonOf<{ id: string }[]>(byUrl).map((session) => session.id).sort()).toEqual([...ids].sort());
    expect(jsonOf(statsByUrl)).toMatchObject({ total: 2, activeWithUser: 1, activeAnonymous: 1, topUsers: [{ userId: user.id, sessions: 1 }] });
    expect(jsonOf<{ id: string }[]>(byConfig).map((session) => session.id)).toEqual([ids[0]]);
    expect(jsonOf(statsByConfig)).toMatchObject({ total: 2, activeWithUser: 1, tableSizeBytes: null });

    const revoked = await runCli(["--config", TYPEORM_CONFIG, "revoke", ids[1]!], { env });
    expect(revoked).toEqual({ code: 0, stdout: `Revoked session ${ids[1]}.\n`, stderr: "" });
    expect(await sessions.store.load(ids[1]!)).toBeNull();
  });

  it("a missing table, an unknown database and an unreachable server are one-line errors", async () => {
    const empty = await createMariaDbDatabase();
    try {
      const unknownDatabase = new URL(empty.url);
      unknownDatabase.pathname = "/sessionrow_no_such_database";
      const [missing, unknown, unreachable] = await Promise.all([
        runCli(["--database-url", empty.url, "stats"]),
        runCli(["--database-url", unknownDatabase.toString(), "stats"]),
        runCli(["--database-url", "mariadb://root@127.0.0.1:1/test", "prune"]),
      ]);
      expect(missing).toEqual({
        code: 1,
        stdout: "",
        stderr: `error: the Session table does not exist (nor "session") in ${empty.url}: run npx prisma migrate deploy (Prisma) or your TypeORM migrations\n`,
      });
      expect(unknown).toEqual({ code: 1, stdout: "", stderr: "error: the database does not exist: Unknown database 'sessionrow_no_such_database'\n" });
      expect(unreachable).toEqual({ code: 1, stdout: "", stderr: "error: cannot reach the database at 127.0.0.1:1: connection refused (is the server running?)\n" });
    } finally {
      await empty.drop();
    }
  });
});
