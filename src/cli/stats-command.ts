import { Command } from "commander";
import { formatBytes, formatUser } from "./format-values.js";
import { printJson, printLines } from "./output.js";
import { countAtLeast } from "./parse-count.js";
import { renderFields, renderTable } from "./render-table.js";
import type { SessionSource } from "./session-source.js";
import { nowOf, withSource } from "./with-source.js";

interface StatsOptions {
  top: number;
  json?: boolean;
}

const DEFAULT_TOP = 10;

/** `sessionrow stats`: counts of active and expired sessions, top users, table size. */
export function statsCommand(): Command {
  return new Command("stats")
    .description("count active and expired sessions, with a user and anonymous; top users; table size")
    .option("--top <n>", "how many top users to show", countAtLeast(0), DEFAULT_TOP)
    .option("--json", "print a JSON object")
    .action((options: StatsOptions, command: Command) => withSource(command, (source) => stats(source, options)));
}

async function stats(source: SessionSource, options: StatsOptions): Promise<void> {
  const stats = await source.inspector.stats(nowOf(source), options.top);
  if (options.json) {
    printJson(stats);
    return;
  }
  const lines = renderFields([
    ["sessions", String(stats.total)],
    ["  active", String(stats.active)],
    ["    with a user", String(stats.activeWithUser)],
    ["    anonymous", String(stats.activeAnonymous)],
    ["  expired", `${stats.expired}${stats.expired > 0 ? " (sessionrow prune deletes them)" : ""}`],
    ["table size", formatBytes(stats.tableSizeBytes)],
  ]);
  if (stats.topUsers.length > 0) {
    lines.push(
      "",
      "Top users by active sessions",
      ...renderTable(
        [{ header: "USER" }, { header: "SESSIONS", align: "right" }],
        stats.topUsers.map((user) => [formatUser(user.userId), String(user.sessions)]),
      ),
    );
  }
  printLines(lines);
}
