import { Command } from "commander";
import { countOf, formatTime, formatUser } from "./format-values.js";
import { printJson, printLines, printNote } from "./output.js";
import { countAtLeast } from "./parse-count.js";
import { renderTable } from "./render-table.js";
import type { SessionSource } from "./session-source.js";
import { parseUserId } from "./user-id.js";
import { nowOf, withSource } from "./with-source.js";

interface ListOptions {
  user?: string;
  limit: number;
  json?: boolean;
}

const DEFAULT_LIMIT = 100;

/** `sessionrow list`: active sessions' metadata, most recently seen first. */
export function listCommand(): Command {
  return new Command("list")
    .description("list active sessions (metadata only), most recently seen first")
    .option("--user <id>", "only this user's sessions")
    .option("--limit <n>", "at most this many (0: all)", countAtLeast(0), DEFAULT_LIMIT)
    .option("--json", "print a JSON array")
    .action((options: ListOptions, command: Command) => withSource(command, (source) => list(source, options)));
}

async function list(source: SessionSource, options: ListOptions): Promise<void> {
  const page = await source.inspector.list({
    now: nowOf(source),
    ...(options.user === undefined ? {} : { userId: parseUserId(options.user, source.userIdType) }),
    limit: options.limit === 0 ? null : options.limit,
  });
  if (options.json) printJson(page.sessions);
  else if (page.sessions.length === 0) printLines(["No active sessions."]);
  else {
    printLines(
      renderTable(
        [{ header: "ID" }, { header: "USER" }, { header: "CREATED" }, { header: "LAST SEEN" }, { header: "EXPIRES" }],
        page.sessions.map((session) => [
          session.id,
          formatUser(session.userId),
          formatTime(session.createdAt),
          formatTime(session.lastSeenAt),
          formatTime(session.expiresAt),
        ]),
      ),
    );
  }
  if (page.more) printNote(`Showing the ${countOf(page.sessions.length, "most recently seen session")}; --limit 0 lists all.`);
}
