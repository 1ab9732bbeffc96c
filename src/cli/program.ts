import { readFileSync } from "node:fs";
import { Command, Option } from "commander";
import { listCommand } from "./list-command.js";
import { pruneCommand } from "./prune-command.js";
import { revokeCommand } from "./revoke-command.js";
import { showCommand } from "./show-command.js";
import { statsCommand } from "./stats-command.js";

/** The `sessionrow` command line: global options and the commands. */
export function createProgram(): Command {
  return new Command("sessionrow")
    .description("Operate on the sessions sessionrow stores: prune expired ones, list, show, revoke, count.")
    .version(packageVersion())
    .option("--database-url <url>", "PostgreSQL or MySQL/MariaDB URL of the database with the Session table (default: $DATABASE_URL)")
    .option("--config <file>", "module exporting your app's SessionManager (default: ./sessionrow.config.{ts,mts,js,mjs,cjs} if present)")
    .option("--table <name>", 'with --database-url: the session table (default: "Session", else "session")')
    .addOption(new Option("--user-id-type <type>", "read user ids as integers or strings (default: from the userId column; else all digits = integer)").choices(["integer", "string"]))
    .option("--verbose", "print stack traces with errors")
    .showHelpAfterError("(run sessionrow --help for usage)")
    .addCommand(pruneCommand())
    .addCommand(listCommand())
    .addCommand(showCommand())
    .addCommand(revokeCommand())
    .addCommand(statsCommand());
}

function packageVersion(): string {
  // Two levels up from src/cli and from dist/cli alike.
  const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return manifest.version;
}
