import { inspect } from "node:util";
import { CliError } from "./cli-error.js";
import { describeError } from "./describe-error.js";
import { escapeControl } from "./escape-control.js";
import { createProgram } from "./program.js";

/**
 * Runs the CLI on `argv` (as `process.argv`) and returns the exit code: 0 on success, 1 on any
 * error, reported as one line on stderr (with the stack and causes under `--verbose`).
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    process.stderr.write(`error: ${escapeControl(describeError(error))}\n`);
    if (program.opts().verbose === true && !(error instanceof CliError && error.cause === undefined)) {
      process.stderr.write(`${escapeControl(inspect(error, { depth: 6 }), "\n")}\n`);
    }
    return 1;
  }
}
