import { CliError } from "./cli-error.js";
import { parseDatabaseUrl } from "./database-url.js";
import type { GlobalOptions } from "./global-options.js";
import { findConfigFile, loadConfig } from "./load-config.js";
import { openDatabase } from "./open-database.js";
import type { SessionSource } from "./session-source.js";

/**
 * Opens the sessions the command works on, from the first configuration found: `--config`,
 * `--database-url`, a `sessionrow.config.*` file in the working directory, `DATABASE_URL`.
 * `--user-id-type` overrides the user id type found in the database.
 * @throws CliError when there is no configuration, or a conflicting one.
 */
export async function openSource(options: GlobalOptions, env: NodeJS.ProcessEnv, cwd: string): Promise<SessionSource> {
  if (options.config !== undefined && options.databaseUrl !== undefined) {
    throw new CliError("pass either --config or --database-url, not both");
  }
  const source = await openConfigured(options, env, cwd);
  return options.userIdType === undefined ? source : { ...source, userIdType: options.userIdType };
}

async function openConfigured(options: GlobalOptions, env: NodeJS.ProcessEnv, cwd: string): Promise<SessionSource> {
  const configFile = options.config ?? (options.databaseUrl === undefined ? await findConfigFile(cwd) : undefined);
  if (configFile !== undefined) {
    if (options.table !== undefined) throw new CliError("--table applies to --database-url; a config module's SessionManager knows its table");
    return loadConfig(configFile);
  }
  const [url, from] = options.databaseUrl !== undefined ? [options.databaseUrl, "--database-url"] : [env.DATABASE_URL, "DATABASE_URL"];
  if (url === undefined || url === "") {
    throw new CliError(
      "no configuration: pass --database-url (or set DATABASE_URL) for the packaged Session table, " +
        "or --config sessionrow.config.ts exporting your app's SessionManager",
    );
  }
  return openDatabase(parseDatabaseUrl(url, from), options.table === undefined ? {} : { table: options.table });
}
