import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { hidingPackages, runCli, type CliRun } from "./run-cli.js";

const FIXTURES = path.join(__dirname, "fixtures");

/** A failed run: exit code 1, nothing on stdout, exactly this one line on stderr. */
function failure(message: string): CliRun {
  return { code: 1, stdout: "", stderr: `error: ${message}\n` };
}

describe("sessionrow CLI errors: one line on stderr, exit code 1", () => {
  let emptyDirectory: string;

  beforeAll(async () => {
    emptyDirectory = await mkdtemp(path.join(tmpdir(), "sessionrow-cli-"));
  });

  afterAll(async () => {
    await rm(emptyDirectory, { recursive: true, force: true });
  });

  it("missing or conflicting configuration, bad database URLs, broken config modules", async () => {
    const runs = await Promise.all([
      runCli(["list"], { cwd: emptyDirectory }),
      runCli(["list"], { env: { DATABASE_URL: "" } }),
      runCli(["--database-url", "not a url", "list"]),
      runCli(["stats"], { env: { DATABASE_URL: "file:./dev.db" } }),
      runCli(["--database-url", "mysql://root@127.0.0.1:3306", "list"]),
      runCli(["--database-url", "postgres://127.0.0.1/x", "--config", "sessionrow.config.ts", "list"]),
      runCli(["--config", path.join(FIXTURES, "no-manager.config.mjs"), "--table", "Session", "list"]),
      runCli(["--config", "missing.config.ts", "list"]),
      runCli(["--config", path.join(FIXTURES, "no-manager.config.mjs"), "list"]),
      runCli(["--config", path.join(FIXTURES, "missing-secret.config.ts"), "list"]),
    ]);
    expect(runs).toEqual([
      failure(
        "no configuration: pass --database-url (or set DATABASE_URL) for the packaged Session table, or --config sessionrow.config.ts exporting your app's SessionManager",
      ),
      failure(
        "no configuration: pass --database-url (or set DATABASE_URL) for the packaged Session table, or --config sessionrow.config.ts exporting your app's SessionManager",
      ),
      failure("invalid database URL (--database-url): expected postgres://user:password@host:5432/database or mysql://user:password@host:3306/database"),
      failure(
        'unsupported database URL scheme "file:" (DATABASE_URL): the CLI opens postgres://, postgresql://, mysql:// and mariadb:// URLs; for any other database pass --config with your app\'s SessionManager',
      ),
      failure("invalid database URL (--database-url): it names no database (mysql://user:password@host:3306/database)"),
      failure("pass either --config or --database-url, not both"),
      failure("--table applies to --database-url; a config module's SessionManager knows its table"),
      failure("config file not found: missing.config.ts"),
      failure(`the config module ${path.join(FIXTURES, "no-manager.config.mjs")} exports no SessionManager: export it as default or as "sessions"`),
      failure(
        `the config module ${path.join(FIXTURES, "missing-secret.config.ts")} failed to load: A secret is required to sign session tokens (options.secret, e.g. process.env.SESSION_SECRET)`,
      ),
    ]);
  });

  it("an unreachable database (with the stack under --verbose, the password never shown), a missing package", async () => {
    const [refused, verbose, unknownHost, prune, postgresPackages, mysqlPackage] = await Promise.all([
      runCli(["--database-url", "postgres://app:s3cret@127.0.0.1:1/app", "list"]),
      runCli(["--database-url", "postgres://app:s3cret@127.0.0.1:1/app", "list", "--verbose"]),
      runCli(["--database-url", "postgresql://app@sessionrow-no-such-host.invalid/app", "stats"]),
      runCli(["prune"], { env: { DATABASE_URL: "mysql://root@127.0.0.1:1/test" } }),
      runCli(["--database-url", "postgres://127.0.0.1:1/app", "list"], hidingPackages(["pg"])),
      runCli(["--database-url", "mariadb://127.0.0.1:1/app", "list"], hidingPackages(["mysql2", "mariadb"])),
    ]);
    expect(refused).toEqual(failure("cannot reach the database at 127.0.0.1:1: connection refused (is the server running?)"));
    const [first, ...details] = verbose.stderr.trimEnd().split("\n");
    expect([verbose.code, first]).toEqual([1, "error: cannot reach the database at 127.0.0.1:1: connection refused (is the server running?)"]);
    expect(details.some((line) => /^\s+at /.test(line))).toBe(true);
    expect(verbose.stderr).not.toContain("s3cret");
    expect(unknownHost).toEqual(failure("cannot reach the database: unknown host sessionrow-no-such-host.invalid"));
    expect(prune).toEqual(failure("cannot reach the database at 127.0.0.1:1: connection refused (is the server running?)"));
    expect(postgresPackages).toEqual(failure('opening a PostgreSQL URL needs "pg", which cannot be found: npm install pg'));
    expect(mysqlPackage).toEqual(failure('a MySQL/MariaDB URL needs the "mysql2" or the "mariadb" driver, and neither can be found: npm install mysql2'));
  });

  it("bad arguments are refused before any database is opened", async () => {
    const url = ["--database-url", "postgres://127.0.0.1:1/never-opened"];
    const runs = await Promise.all([
      runCli([...url, "revoke"]),
      runCli([...url, "revoke", "abc", "--user", "1"]),
      runCli([...url, "revoke", "--except", "abc"]),
      runCli([...url, "list", "--limit", "ten"]),
      runCli([...url, "launch"]),
      runCli([...url, "prune", "--pause-ratio", "101"]),
    ]);
    expect(runs.slice(0, 3)).toEqual([
      failure("give a session id, or --user ID to revoke all of a user's sessions"),
      failure("give a session id or --user, not both"),
      failure("--except needs --user"),
    ]);
    expect(runs[3]).toMatchObject({ code: 1, stdout: "" });
    expect(runs[3]!.stderr).toMatch(/^error: option '--limit <n>' argument 'ten' is invalid\. expected a whole number\n/);
    expect(runs[4]).toMatchObject({ code: 1, stdout: "" });
    expect(runs[4]!.stderr).toMatch(/^error: unknown command 'launch'\n/);
    expect(runs[5]).toMatchObject({ code: 1, stdout: "" });
    expect(runs[5]!.stderr).toMatch(/^error: option '--pause-ratio <r>' argument '101' is invalid\. expected a number from 0 to 100\n/);
  });
});
