import { CliError } from "./cli-error.js";

/**
 * Checks that optional peer packages can be loaded, naming every missing one in a single error so
 * that one `npm install` fixes it.
 * @param purpose what needs the packages, for the message.
 * @throws CliError naming the packages to install.
 */
export async function requirePeers(packages: readonly string[], purpose: string): Promise<void> {
  const results = await Promise.allSettled(packages.map((name) => import(name)));
  const missing = new Set<string>();
  for (const result of results) {
    if (result.status === "fulfilled") continue;
    // A package that is there but lacks its own peer (typeorm without reflect-metadata) names that peer.
    const name = missingPackageOf(result.reason);
    if (name === undefined) throw result.reason;
    missing.add(name);
  }
  if (missing.size > 0) {
    const list = [...missing];
    throw new CliError(`${purpose} needs ${list.map((name) => `"${name}"`).join(" and ")}, which cannot be found: npm install ${list.join(" ")}`);
  }
}

/** The package a module-not-found error names, or undefined for any other error. */
function missingPackageOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== "ERR_MODULE_NOT_FOUND" && code !== "MODULE_NOT_FOUND") return undefined;
  const match = /Cannot find (?:package|module) '([^']+)'/.exec((error as Error).message);
  if (match === null) return undefined;
  const specifier = match[1]!;
  if (specifier.startsWith(".") || specifier.startsWith("/")) return undefined;
  // "@scope/name/sub/path" -> "@scope/name"; "name/sub" -> "name".
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}
