import { SessionError } from "../errors.js";
import { CliError } from "./cli-error.js";

/** What to do when the session table is missing, for every way of finding out. */
export const MIGRATE_HINT = "run npx prisma migrate deploy (Prisma) or your TypeORM migrations";

/** Driver and ORM error codes (PostgreSQL SQLSTATE, MySQL/MariaDB names, Prisma) for a missing table. */
const MISSING_TABLE = new Set(["42P01", "ER_NO_SUCH_TABLE", "P2021"]);
const BAD_CREDENTIALS = new Set(["28P01", "28000", "ER_ACCESS_DENIED_ERROR", "ER_ACCESS_DENIED_NO_PASSWORD_ERROR", "ER_DBACCESS_DENIED_ERROR"]);
const MISSING_DATABASE = new Set(["3D000", "ER_BAD_DB_ERROR"]);

/**
 * One line telling an operator what went wrong: the first error along the `cause` chain that names a
 * known problem (a network error code, a database error code, a CLI error), else the outermost message.
 */
export function describeError(error: unknown): string {
  for (const link of causeChain(error)) {
    const description = describeLink(link);
    if (description !== undefined) return description;
  }
  return messageOf(error);
}

function describeLink(error: unknown): string | undefined {
  if (error instanceof CliError) return error.message;
  const code = codeOf(error);
  const message = messageOf(error);
  const where = addressOf(error);
  if (code === "ECONNREFUSED") return `cannot reach the database${where}: connection refused (is the server running?)`;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return `cannot reach the database: unknown host${hostnameOf(error)}`;
  if (code === "ETIMEDOUT" || /connection timeout|timeout expired/i.test(message)) {
    return `cannot reach the database${where}: no answer in time (${message})`;
  }
  if (code === "ECONNRESET" || code === "EHOSTUNREACH" || code === "ENETUNREACH") return `cannot reach the database${where}: ${message}`;
  if (code !== undefined && BAD_CREDENTIALS.has(code)) return `the database refused the credentials: ${message}`;
  if (code !== undefined && MISSING_DATABASE.has(code)) return `the database does not exist: ${message}`;
  if (code !== undefined && MISSING_TABLE.has(code)) return `the session table does not exist (${message}): ${MIGRATE_HINT}`;
  if (error instanceof Error && error.name === "DriverPackageNotInstalledError") return message;
  if (error instanceof SessionError && error.cause === undefined) return message;
  return undefined;
}

/** The error and its causes, outermost first; an AggregateError (several addresses tried) contributes its first error. */
function* causeChain(error: unknown): Generator<unknown> {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== undefined && current !== null && !seen.has(current)) {
    seen.add(current);
    yield current;
    current = current instanceof AggregateError && current.errors.length > 0 ? current.errors[0] : (current as { cause?: unknown }).cause;
  }
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** The message on one line: Prisma puts the call site first and the reason last; others lead with it. */
function messageOf(error: unknown): string {
  const lines = (error instanceof Error ? error.message : String(error))
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
  const prisma = typeof (error as { clientVersion?: unknown } | null)?.clientVersion === "string";
  return (prisma ? lines.at(-1) : lines[0]) ?? "";
}

function addressOf(error: unknown): string {
  const { address, port } = (error ?? {}) as { address?: unknown; port?: unknown };
  return typeof address === "string" ? ` at ${address}${typeof port === "number" ? `:${port}` : ""}` : "";
}

function hostnameOf(error: unknown): string {
  const hostname = (error as { hostname?: unknown } | null)?.hostname;
  return typeof hostname === "string" ? ` ${hostname}` : "";
}
