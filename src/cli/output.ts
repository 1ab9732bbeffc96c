/** Writes lines to stdout. */
export function printLines(lines: readonly string[]): void {
  for (const line of lines) process.stdout.write(`${line}\n`);
}

/** Writes a value as indented JSON to stdout (dates as ISO strings). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Writes a note to stderr, leaving stdout to the command's output. */
export function printNote(line: string): void {
  process.stderr.write(`${line}\n`);
}
