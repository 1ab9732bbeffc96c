import { CliError } from "./cli-error.js";

/** A database URL the CLI can open, with the SQL family it speaks. */
export interface DatabaseUrl {
  /** The SQL family: decides the queries the CLI sends. */
  dialect: "postgres" | "mysql";
  /** The URL as given, for the driver. */
  url: string;
  /** The URL without its password, for messages. */
  redacted: string;
  /** PostgreSQL schema from a Prisma-style `?schema=` parameter. */
  schema: string | undefined;
}

const DIALECTS: Record<string, DatabaseUrl["dialect"]> = {
  "postgres:": "postgres",
  "postgresql:": "postgres",
  "mysql:": "mysql",
  "mariadb:": "mysql",
};

/**
 * Checks a database URL and tells which database it names.
 * @param source where the URL came from (`--database-url`, `DATABASE_URL`), named in errors.
 * @throws CliError for a malformed URL or a database the CLI does not support.
 */
export function parseDatabaseUrl(value: string, source: string): DatabaseUrl {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(`invalid database URL (${source}): expected postgres://user:password@host:5432/database or mysql://user:password@host:3306/database`);
  }
  const dialect = DIALECTS[url.protocol];
  if (dialect === undefined) {
    throw new CliError(
      `unsupported database URL scheme "${url.protocol}" (${source}): the CLI opens postgres://, postgresql://, mysql:// and mariadb:// URLs; ` +
        "for any other database pass --config with your app's SessionManager",
    );
  }
  if (url.hostname === "") throw new CliError(`invalid database URL (${source}): it names no host`);
  if (dialect === "mysql" && url.pathname.replace(/^\//, "") === "") {
    throw new CliError(`invalid database URL (${source}): it names no database (mysql://user:password@host:3306/database)`);
  }
  const redacted = new URL(url);
  if (redacted.password !== "") redacted.password = "***";
  return { dialect, url: value, redacted: redacted.toString(), schema: url.searchParams.get("schema") ?? undefined };
}
