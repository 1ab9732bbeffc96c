import { access } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { CliError } from "./cli-error.js";
import { describeError } from "./describe-error.js";
import { ScanInspector } from "./scan-inspector.js";
import type { AnySessionManager, SessionSource } from "./session-source.js";

/** Config files looked for in the working directory when no configuration is given. */
const CONFIG_FILE_NAMES = ["sessionrow.config.ts", "sessionrow.config.mts", "sessionrow.config.js", "sessionrow.config.mjs", "sessionrow.config.cjs"];

/**
 * The config file in `directory`, if there is one.
 */
export async function findConfigFile(directory: string): Promise<string | undefined> {
  for (const name of CONFIG_FILE_NAMES) {
    const file = path.join(directory, name);
    if (await exists(file)) return file;
  }
  return undefined;
}

/**
 * Loads a config module exporting the app's SessionManager: as its default export or as `sessions`,
 * either the manager or a function (possibly async) returning it. An exported `close()` is called
 * when the CLI is done (to disconnect the Prisma client or destroy the DataSource).
 *
 * A `.ts` config loads as is when the CLI runs under tsx or a Node with type stripping; otherwise
 * the CLI registers tsx's loader hooks, when tsx is installed.
 * @throws CliError when the file is missing, fails to load, or exports no SessionManager.
 */
export async function loadConfig(file: string): Promise<SessionSource> {
  const absolute = path.resolve(file);
  if (!(await exists(absolute))) throw new CliError(`config file not found: ${file}`);
  const module = await importConfig(absolute, file);
  const exported = [module.default, module.sessions].find((value) => typeof value === "function" || isSessionManager(value));
  let manager: unknown;
  try {
    manager = typeof exported === "function" ? await (exported as () => unknown)() : exported;
  } catch (error) {
    throw new CliError(`the config module ${file} failed to make its SessionManager: ${describeError(error)}`, { cause: error });
  }
  if (!isSessionManager(manager)) {
    throw new CliError(`the config module ${file} exports no SessionManager: export it as default or as "sessions"`);
  }
  const close = module.close;
  return {
    manager,
    inspector: new ScanInspector(manager),
    userIdType: undefined,
    close: async () => {
      if (typeof close === "function") await (close as () => unknown)();
    },
  };
}

async function importConfig(file: string, shown: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(file).href;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    if ((error as { code?: unknown }).code !== "ERR_UNKNOWN_FILE_EXTENSION") throw loadFailure(shown, error);
  }
  try {
    // Both hook sets: a TypeScript config may import TypeScript that is CommonJS (a Prisma client generated with moduleFormat "cjs").
    const [esm, cjs] = await Promise.all([import("tsx/esm/api"), import("tsx/cjs/api")]);
    esm.register();
    cjs.register();
  } catch {
    throw new CliError(
      `the config module ${shown} is TypeScript, which this Node cannot load by itself: install tsx (npm install -D tsx), ` +
        "use Node >= 22.18 (type stripping), or write the config in JavaScript",
    );
  }
  try {
    // A new URL: Node remembers the failed import of the first one.
    return (await import(`${url}?tsx`)) as Record<string, unknown>;
  } catch (error) {
    throw loadFailure(shown, error);
  }
}

function loadFailure(shown: string, error: unknown): CliError {
  return new CliError(`the config module ${shown} failed to load: ${describeError(error)}`, { cause: error });
}

/** Duck-typed, so a manager from another copy of sessionrow (a global npx cache) is accepted too. */
function isSessionManager(value: unknown): value is AnySessionManager {
  const candidate = value as Partial<Record<keyof AnySessionManager, unknown>> | null | undefined;
  return (
    typeof candidate === "object" &&
    candidate !== null &&
    typeof candidate.prune === "function" &&
    typeof candidate.iterate === "function" &&
    typeof candidate.revokeForUser === "function" &&
    typeof (candidate.store as { load?: unknown } | undefined)?.load === "function"
  );
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
