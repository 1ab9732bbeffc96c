import { Command } from "commander";
import { CliError } from "./cli-error.js";
import { formatTime, formatUser } from "./format-values.js";
import { printJson, printLines } from "./output.js";
import { renderFields } from "./render-table.js";
import type { SessionSource } from "./session-source.js";
import { nowOf, withSource } from "./with-source.js";

interface ShowOptions {
  json?: boolean;
}

/** `sessionrow show ID`: one session's metadata and data. */
export function showCommand(): Command {
  return new Command("show")
    .description("show one session's metadata and data")
    .argument("<id>", "the session id (as list prints it)")
    .option("--json", "print a JSON object")
    .action((id: string, options: ShowOptions, command: Command) => withSource(command, (source) => show(source, id, options)));
}

async function show(source: SessionSource, id: string, options: ShowOptions): Promise<void> {
  const loaded = await source.manager.store.load(id);
  if (loaded === null) throw new CliError(`no session with id ${id}`);
  const { record } = loaded;
  const expired = record.expiresAt <= nowOf(source);
  if (options.json) {
    printJson({ ...record, expired });
    return;
  }
  printLines([
    ...renderFields([
      ["id", record.id],
      ["user", formatUser(record.userId)],
      ["status", expired ? "expired" : "active"],
      ["created", formatTime(record.createdAt)],
      ["updated", formatTime(record.updatedAt)],
      ["last seen", formatTime(record.lastSeenAt)],
      ["expires", formatTime(record.expiresAt)],
      ["absolute expiry", formatTime(record.absoluteExpiresAt)],
      ["version", String(record.version)],
      ["ip address", record.ipAddress ?? "-"],
      ["user agent", record.userAgent ?? "-"],
    ]),
    "data",
    ...JSON.stringify(record.data, null, 2)
      .split("\n")
      .map((line) => `  ${line}`),
  ]);
}
