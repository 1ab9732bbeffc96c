import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** The version of `name` as the code under test loads it (through the run's moduleNameMapper). */
export function loadedVersion(name: string): string {
  // Both packages keep their entry point at the package root.
  return (JSON.parse(readFileSync(join(dirname(require.resolve(name)), "package.json"), "utf8")) as { version: string }).version;
}
