import { Command } from "commander";
import type { UserId } from "../session-store.js";
import { CliError } from "./cli-error.js";
import { countOf } from "./format-values.js";
import { printJson, printLines } from "./output.js";
import type { SessionSource } from "./session-source.js";
import { parseUserId } from "./user-id.js";
import { withSource } from "./with-source.js";

interface RevokeOptions {
  user?: string;
  except?: string;
  json?: boolean;
}

/** `sessionrow revoke ID` and `sessionrow revoke --user ID [--except ID]`: delete sessions (log out). */
export function revokeCommand(): Command {
  return new Command("revoke")
    .description("delete a session, or all sessions of a user (log out everywhere)")
    .argument("[id]", "the session id")
    .option("--user <id>", "revoke all sessions of this user")
    .option("--except <id>", "with --user: keep this session")
    .option("--json", 'print {"revoked": n}')
    .action((id: string | undefined, options: RevokeOptions, command: Command) => {
      if (id !== undefined && options.user !== undefined) throw new CliError("give a session id or --user, not both");
      if (options.except !== undefined && options.user === undefined) throw new CliError("--except needs --user");
      if (id !== undefined) return withSource(command, (source) => revokeOne(source, id, options));
      if (options.user === undefined) throw new CliError("give a session id, or --user ID to revoke all of a user's sessions");
      const user = options.user;
      return withSource(command, (source) => revokeUser(source, user, options));
    });
}

async function revokeOne(source: SessionSource, id: string, options: RevokeOptions): Promise<void> {
  if ((await source.manager.store.load(id)) === null) throw new CliError(`no session with id ${id}`);
  await source.manager.destroy(id);
  if (options.json) printJson({ revoked: 1 });
  else printLines([`Revoked session ${id}.`]);
}

async function revokeUser(source: SessionSource, user: string, options: RevokeOptions): Promise<void> {
  const userId = parseUserId(user, source.userIdType);
  if (options.except !== undefined) await checkKept(source, userId, options.except);
  const revoked = await source.manager.revokeForUser(userId, options.except === undefined ? {} : { except: options.except });
  if (options.json) printJson({ revoked });
  else printLines([`Revoked ${countOf(revoked, "session")} of user ${String(userId)}${options.except === undefined ? "" : `; kept ${options.except}`}.`]);
}

/** A mistyped `--except` would log the user out everywhere: refuse unless it names one of their sessions. */
async function checkKept(source: SessionSource, userId: UserId, id: string): Promise<void> {
  const loaded = await source.manager.store.load(id);
  if (loaded === null || String(loaded.record.userId) !== String(userId)) {
    throw new CliError(`no session with id ${id} among the sessions of user ${String(userId)}: nothing revoked`);
  }
}
