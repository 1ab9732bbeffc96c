/**
 * An error the CLI reports as one line on stderr (no stack unless `--verbose`), exiting with code 1:
 * bad input, missing configuration, an unknown session id.
 */
export class CliError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CliError";
  }
}
