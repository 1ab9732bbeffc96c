import { escapeControl } from "./escape-control.js";

/** Writes lines to stdout, control characters escaped. */
export function printLines(lines: readonly string[]): void {
  for (const line of lines) process.stdout.write(`${escapeControl(line)}\n`);
}

/**
 * Writes a value as indented JSON to stdout (dates as ISO strings). JSON escapes C0 controls itself;
 * DEL, C1 controls and bidirectional overrides are escaped too (`\u009b`), which JSON allows.
 */
export function printJson(value: unknown): void {
  process.stdout.write(`${escapeControl(JSON.stringify(value, null, 2), "\n")}\n`);
}

/** Writes a note to stderr, leaving stdout to the command's output; control characters escaped. */
export function printNote(line: string): void {
  process.stderr.write(`${escapeControl(line)}\n`);
}
