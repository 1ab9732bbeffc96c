/**
 * Characters a terminal may act on instead of showing: C0 controls (ESC starts escape sequences),
 * DEL, C1 controls (0x9B is a one-byte CSI), line and paragraph separators, and the bidirectional
 * overrides that can make text read differently from what it is.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` with every character a terminal could act on written as a JSON-style escape (`\u001b`), so a
 * stored User-Agent or data value cannot drive the operator's terminal. Tabs and newlines are
 * escaped too: one value stays on one line. `keep` lists characters to leave alone (the newlines
 * between the CLI's own lines).
 */
export function escapeControl(text: string, keep = ""): string {
  return text.replace(CONTROL, (character) => {
    if (keep.includes(character)) return character;
    return `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
}
