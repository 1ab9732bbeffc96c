import { execFile } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";

/** What a CLI run printed and how it exited. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@link runCli}. */
export interface RunCliOptions {
  /** Variables added to (or, when undefined, removed from) the test process's environment. */
  env?: Record<string, string | undefined>;
  /** Working directory; the repository by default. */
  cwd?: string;
  /** Modules loaded before the CLI (`node --import`), after tsx. */
  imports?: string[];
}

const ROOT = path.resolve(__dirname, "../..");
const MAIN = path.join(ROOT, "src/cli/main.ts");
const TSX = pathToFileURL(require.resolve("tsx")).href;

/** Runs the real CLI in a child process, `node --import tsx src/cli/main.ts ...args`, without DATABASE_URL unless given. */
export function runCli(args: string[], options: RunCliOptions = {}): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: undefined, FORCE_COLOR: "0", ...options.env };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  const imports = [TSX, ...(options.imports ?? []).map((file) => pathToFileURL(file).href)].flatMap((module) => ["--import", module]);
  return new Promise((resolve) => {
    execFile(process.execPath, [...imports, MAIN, ...args], { cwd: options.cwd ?? ROOT, env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

const HIDE_PACKAGES = path.join(__dirname, "fixtures/hide-packages.mjs");

/** Options that run the CLI as if `packages` were not installed (e.g. an app without TypeORM). */
export function hidingPackages(packages: readonly string[]): RunCliOptions {
  return { imports: [HIDE_PACKAGES], env: { SESSIONROW_TEST_HIDDEN_PACKAGES: packages.join(",") } };
}

/** Parses a run's stdout as JSON, failing with the run's output when it is not. */
export function jsonOf<T = unknown>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${run.code}):\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
}
