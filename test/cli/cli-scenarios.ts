import { hidingPackages, jsonOf, runCli, type CliRun } from "./run-cli.js";
import {
  HOSTILE_TEXT,
  seedAccountSession,
  seedExpiredSessions,
  seedHostileSession,
  seedSessions,
  type SeedClient,
  type SeededSessions,
} from "./seed-sessions.js";

/** A database with the packaged schema (tables "User", "Session", "Account", "AccountSession") for the CLI tests. */
export interface CliDatabase {
  url: string;
  /** The generated Prisma client on it. */
  prisma: SeedClient & {
    session: {
      findMany(args: { orderBy: { id: "asc" } }): PromiseLike<unknown[]>;
      count(args?: { where?: Record<string, unknown> }): PromiseLike<number>;
    };
  };
  /**
   * Makes every DELETE on "Session" wait until the returned function is called, and resolves once
   * `waiting` statements wait: two pruners then start their deletes at the same moment.
   */
  holdDeletes(waiting: number): Promise<{ waited: Promise<void>; release: () => Promise<void> }>;
  drop(): Promise<void>;
}

/** The metadata fields `list --json` prints. */
interface ListedSession {
  id: string;
  userId: number | string | null;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  absoluteExpiresAt: string;
  version: number;
  ipAddress: string | null;
  userAgent: string | null;
  data?: unknown;
}

const ID_LINE = /^[0-9a-f]{64} {2}/;

/**
 * The CLI run against the packaged schema behind a database URL, on one database, as in an app
 * without the `missing` packages (e.g. a Prisma-only app: no TypeORM).
 */
export function describeCliScenarios(name: string, missing: readonly string[], open: () => Promise<CliDatabase>): void {
  describe(`sessionrow CLI on ${name}, without ${missing.join(", ")}`, () => {
    let db: CliDatabase;
    let seeded: SeededSessions;
    let before: unknown[];
    const cli = (...args: string[]) => runCli(["--database-url", db.url, ...args], hidingPackages(missing));

    beforeAll(async () => {
      db = await open();
      seeded = await seedSessions(db.prisma);
      before = await db.prisma.session.findMany({ orderBy: { id: "asc" } });
    });

    afterAll(async () => {
      await db?.drop();
    });

    it("stats counts active and expired sessions, with a user and anonymous, top users, and the table size", async () => {
      const [human, json] = await Promise.all([cli("stats"), cli("stats", "--json")]);
      expect(json).toMatchObject({ code: 0, stderr: "" });
      const stats = jsonOf<Record<string, unknown>>(json);
      expect(stats).toEqual({
        total: 10,
        active: 6,
        expired: 4,
        activeWithUser: 4,
        activeAnonymous: 2,
        topUsers: [
          { userId: seeded.alice, sessions: 3 },
          { userId: seeded.bob, sessions: 1 },
        ],
        tableSizeBytes: expect.any(Number),
      });
      expect(stats.tableSizeBytes).toBeGreaterThan(0);
      expect(human).toMatchObject({ code: 0, stderr: "" });
      expect(human.stdout).toMatch(
        new RegExp(
          [
            "^sessions {9}10",
            " {2}active {9}6",
            " {4}with a user {2}4",
            " {4}anonymous {4}2",
            " {2}expired {8}4 \\(sessionrow prune deletes them\\)",
            "table size {7}\\d+\\.\\d (KiB|MiB)",
            "",
            "Top users by active sessions",
            "USER  SESSIONS",
            `${seeded.alice} +3`,
            `${seeded.bob} +1`,
            "$",
          ].join("\n"),
        ),
      );
    });

    it("list prints active sessions, most recently seen first: an aligned table, or JSON metadata without data", async () => {
      const [table, json, ofAlice, limited] = await Promise.all([
        cli("list"),
        cli("list", "--json"),
        cli("list", "--user", String(seeded.alice), "--json"),
        cli("list", "--limit", "2"),
      ]);
      const active = [...seeded.aliceSessions, ...seeded.bobSessions, ...seeded.anonymousSessions];

      expect(json).toMatchObject({ code: 0, stderr: "" });
      const listed = jsonOf<ListedSession[]>(json);
      expect(listed.map((session) => session.id)).toEqual(active);
      expect(listed.map((session) => session.userId)).toEqual([seeded.alice, seeded.alice, seeded.alice, seeded.bob, null, null]);
      for (const session of listed) {
        expect(session).not.toHaveProperty("data");
        expect(session).toMatchObject({ version: 0, ipAddress: "203.0.113.7", userAgent: "curl/8.5 (cli test)" });
        expect(Date.parse(session.expiresAt)).toBeGreaterThan(Date.now());
      }
      const rows = (await db.prisma.session.findMany({ orderBy: { id: "asc" } })) as { id: string; createdAt: Date; lastSeenAt: Date }[];
      const stored = rows.find((row) => row.id === listed[0]!.id)!;
      expect([listed[0]!.createdAt, listed[0]!.lastSeenAt]).toEqual([stored.createdAt.toISOString(), stored.lastSeenAt.toISOString()]);

      expect(table).toMatchObject({ code: 0, stderr: "" });
      const lines = table.stdout.trimEnd().split("\n");
      expect(lines[0]).toMatch(/^ID {64}USER {2}CREATED {15}LAST SEEN {13}EXPIRES$/);
      expect(lines.slice(1).map((line) => line.slice(0, 64))).toEqual(active);
      for (const line of lines.slice(1)) {
        expect(line).toMatch(ID_LINE);
        expect(line).toMatch(/^.{64} {2}(\d+|-) +\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
      }
      expect(lines[5]!.slice(66, 70)).toBe("-   ");

      expect(jsonOf<ListedSession[]>(ofAlice).map((session) => session.id)).toEqual(seeded.aliceSessions);

      expect(limited.code).toBe(0);
      expect(limited.stdout.trimEnd().split("\n").slice(1).map((line) => line.slice(0, 64))).toEqual(active.slice(0, 2));
      expect(limited.stderr).toBe("Showing the 2 most recently seen sessions; --limit 0 lists all.\n");
    });

    it("show prints one session's metadata and data, expired ones included; an unknown id is an error", async () => {
      const [rich, expired, unknown] = await Promise.all([
        cli("show", seeded.aliceSessions[0]!),
        cli("show", seeded.expiredSessions[0]!, "--json"),
        cli("show", "f".repeat(64)),
      ]);
      expect(rich).toMatchObject({ code: 0, stderr: "" });
      expect(rich.stdout).toMatch(
        new RegExp(
          [
            `^id {15}${seeded.aliceSessions[0]}`,
            `user {13}${seeded.alice}`,
            "status {11}active",
            "created {10}\\d{4}-.*Z",
            "updated {10}.*Z",
            "last seen {8}.*Z",
            "expires {10}.*Z",
            "absolute expiry {2}.*Z",
            "version {10}0",
            "ip address {7}203\\.0\\.113\\.7",
            "user agent {7}curl/8\\.5 \\(cli test\\)",
            "data",
            " {2}\\{",
          ].join("\n"),
        ),
      );
      const dataLines = rich.stdout.slice(rich.stdout.indexOf("\ndata\n") + 6);
      expect(JSON.parse(dataLines)).toEqual(seeded.richData);

      expect(expired.code).toBe(0);
      expect(jsonOf(expired)).toEqual({
        id: seeded.expiredSessions[0],
        userId: seeded.alice,
        data: { old: true },
        version: 0,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        lastSeenAt: expect.any(String),
        expiresAt: expect.any(String),
        absoluteExpiresAt: expect.any(String),
        ipAddress: "203.0.113.7",
        userAgent: "curl/8.5 (cli test)",
        expired: true,
      });

      expect(unknown).toEqual({ code: 1, stdout: "", stderr: `error: no session with id ${"f".repeat(64)}\n` });
    });

    it("user ids: read as the userId column's type (a string key of digits stays a string), checked against it", async () => {
      const { accountId, sessionId } = await seedAccountSession(db.prisma);
      const [accounts, notInteger] = await Promise.all([
        cli("--table", "AccountSession", "list", "--user", accountId, "--json"),
        cli("list", "--user", "alice"),
      ]);
      const listed = jsonOf<ListedSession[]>(accounts);
      expect(listed.map((session) => [session.id, session.userId])).toEqual([[sessionId, accountId]]);
      expect(notInteger).toEqual({ code: 1, stdout: "", stderr: 'error: user id "alice" is not an integer (the userId column holds integers)\n' });
    });

    it("list, show and stats never write", async () => {
      expect(await db.prisma.session.findMany({ orderBy: { id: "asc" } })).toEqual(before);
    });

    it("revoke deletes one session, or all of a user's but one; unknown ids change nothing", async () => {
      const [one, allButOne] = await Promise.all([
        cli("revoke", seeded.anonymousSessions[0]!),
        cli("revoke", "--user", String(seeded.alice), "--except", seeded.aliceSessions[1]!),
      ]);
      expect(one).toEqual({ code: 0, stdout: `Revoked session ${seeded.anonymousSessions[0]}.\n`, stderr: "" });
      // Alice's two other active sessions and her expired one.
      expect(allButOne).toEqual({ code: 0, stdout: `Revoked 3 sessions of user ${seeded.alice}; kept ${seeded.aliceSessions[1]}.\n`, stderr: "" });
      const ids = (await db.prisma.session.findMany({ orderBy: { id: "asc" } })).map((row) => (row as { id: string }).id);
      expect(ids.sort()).toEqual([seeded.aliceSessions[1], ...seeded.bobSessions, seeded.anonymousSessions[1], ...seeded.expiredSessions.slice(1)].sort());

      const [unknown, foreignExcept, json] = await Promise.all([
        cli("revoke", seeded.anonymousSessions[0]!),
        cli("revoke", "--user", String(seeded.bob), "--except", seeded.aliceSessions[1]!),
        cli("revoke", "--user", "999999", "--json"),
      ]);
      expect(unknown).toEqual({ code: 1, stdout: "", stderr: `error: no session with id ${seeded.anonymousSessions[0]}\n` });
      expect(foreignExcept).toEqual({
        code: 1,
        stdout: "",
        stderr: `error: no session with id ${seeded.aliceSessions[1]} among the sessions of user ${seeded.bob}: nothing revoked\n`,
      });
      expect(jsonOf(json)).toEqual({ revoked: 0 });
      expect(await db.prisma.session.count()).toBe(ids.length);
    });

    it("prune deletes the expired sessions and prints how many", async () => {
      const first = await cli("prune");
      expect(first).toEqual({ code: 0, stdout: "Deleted 3 expired sessions.\n", stderr: "" });
      expect(jsonOf(await cli("prune", "--pause-ratio", "0.5", "--json"))).toEqual({ deleted: 0 });
      expect(await db.prisma.session.count()).toBe(3);
    });

    it("two prunes at once (cron on two hosts) delete each expired row exactly once, in total", async () => {
      const expired = 1000;
      await seedExpiredSessions(db.prisma, expired);
      const live = await db.prisma.session.count({ where: { expiresAt: { gt: new Date() } } });
      const hold = await db.holdDeletes(2);
      const runs = [cli("prune", "--batch-size", "10", "--json"), cli("prune", "--batch-size", "10", "--json")];
      try {
        const ended = Promise.all(runs).then((done) => Promise.reject(new Error(`a prune ended before both waited: ${describeRuns(done)}`)));
        await Promise.race([hold.waited, ended]);
      } finally {
        await hold.release();
      }
      const done = await Promise.all(runs);
      const deleted = done.map((run) => jsonOf<{ deleted: number }>(run).deleted);
      expect(deleted[0]! + deleted[1]!).toBe(expired);
      expect(deleted.every((count) => count > 0)).toBe(true);
      expect(await db.prisma.session.count()).toBe(live);
    });

    // Last: it adds a session, which the exact counts above do not expect.
    it("escapes control characters in everything it prints, so stored text cannot drive the terminal", async () => {
      const id = await seedHostileSession(db.prisma);
      const [table, show, json] = await Promise.all([cli("list"), cli("show", id), cli("show", id, "--json")]);
      const raw = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/;
      for (const run of [table, show, json]) {
        expect(run.code).toBe(0);
        expect(run.stdout).not.toMatch(raw);
      }
      expect(show.stdout).toContain("user agent       evil\\u001b]0;owned\\u0007\\u001b[2J\\u009b31m\\u202egnp.exe\\u007f");
      expect(jsonOf<{ userAgent: string; data: { note: string } }>(json)).toMatchObject({ userAgent: HOSTILE_TEXT, data: { note: HOSTILE_TEXT } });
    });
  });
}

function describeRuns(runs: CliRun[]): string {
  return runs.map((run) => `exit ${run.code}: ${run.stdout}${run.stderr}`).join(" | ");
}
