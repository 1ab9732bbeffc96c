import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

const SRC = resolve(__dirname, "../../src");
/** Folders of framework adapters and integrations built on the core's public API. */
const ADAPTERS = ["express/", "nest/", "compat/", "fastify/", "web/", "cli/", "demo/"];
/**
 * Files allowed to import adapters: the package entry points, and session-manager.ts, the public
 * class that adds `express()` and `expressSessionStore()` to the core (session-core.ts).
 */
const COMPOSITION_ROOTS = new Set([
  "index.ts",
  "express.ts",
  "nest.ts",
  "express-session.ts",
  "fastify.ts",
  "web.ts",
  "prisma.ts",
  "typeorm.ts",
  "session-manager.ts",
]);

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(directory, entry.name)) : entry.name.endsWith(".ts") ? [join(directory, entry.name)] : [],
  );
}

/** Every file of src/ with the src/ files it imports, type-only imports included. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const imports = ts
      .preProcessFile(readFileSync(file, "utf8"), true, false)
      .importedFiles.map((reference) => reference.fileName)
      .filter((name) => name.startsWith("."))
      .map((name) => relative(SRC, resolve(dirname(file), name.replace(/\.js$/, ".ts"))));
    graph.set(relative(SRC, file), imports);
  }
  return graph;
}

function findCycle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, "visiting" | "done">();
  const path: string[] = [];
  const visit = (file: string): string[] | null => {
    if (state.get(file) === "done") return null;
    if (state.get(file) === "visiting") return [...path.slice(path.indexOf(file)), file];
    state.set(file, "visiting");
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(file, "done");
    return null;
  };
  for (const file of graph.keys()) {
    const cycle = visit(file);
    if (cycle) return cycle;
  }
  return null;
}

describe("The import graph of src/", () => {
  const graph = importGraph();

  it("has no cycle, counting type-only imports", () => {
    expect(findCycle(graph)).toBeNull();
  });

  it("points from the adapters to the core: no core module imports an adapter", () => {
    expect(graph.get("session-core.ts")).toBeDefined();
    const offending = [...graph]
      .filter(([file]) => !COMPOSITION_ROOTS.has(file) && !ADAPTERS.some((folder) => file.startsWith(folder)))
      .flatMap(([file, imports]) => imports.filter((target) => ADAPTERS.some((folder) => target.startsWith(folder))).map((target) => `${file} -> ${target}`));
    expect(offending).toEqual([]);
  });

  it("keeps session internals in the core: no adapter or test helper reaches the session's state", () => {
    const outside = ["express", "nest", "compat", "fastify", "web"].flatMap((folder) => sourceFiles(join(SRC, folder)));
    outside.push(...sourceFiles(resolve(SRC, "../test/support")), ...sourceFiles(resolve(SRC, "../test/adapters")));
    const offending = outside.filter((file) => /sessionState|session-state\.js/.test(readFileSync(file, "utf8")));
    expect(offending.map((file) => relative(SRC, file))).toEqual([]);
  });
});
