// Turns README block groups into throwaway TypeScript projects and type-checks them, the way a user
// who pastes the blocks in order gets them: `sessionrow` is this repository's package (its exports map
// and dist/ build), the other packages are this repository's node_modules, and `./generated/prisma`
// is a client generated from the README's own Prisma schema. Each group is a program of its own (a
// `declare module "sessionrow"` types the whole program it is in); the programs share one cache of
// parsed library files, so the second program costs little more than its own files.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import type { BlockGroup, ReadmeBlock } from "./readme-blocks.js";

export const repoRoot = resolve(__dirname, "../..");
const givenRoot = join(__dirname, ".given");
const nextModules = join(repoRoot, "examples/nextjs/node_modules");

/** How a group is compiled: a Node ESM app (Nest 12's scaffold settings) or a Next.js app. */
export type Profile = "node" | "next";

/** One problem found in a group, placed at its README line when it comes from a README block. */
export interface BlockProblem {
  group: string;
  /** `README.md:123` or the helper file it came from. */
  where: string;
  message: string;
}

/** Lines [fileLine, fileLine + lines) of a written file came from `source`, starting at its line `sourceLine`. */
interface Segment {
  fileLine: number;
  lines: number;
  source: string;
  sourceLine: number;
}

/** A temporary directory holding one sub-project per group, node_modules links and the Prisma client. */
export class ReadmeWorkspace {
  readonly root = mkdtempSync(join(tmpdir(), "sessionrow-readme-"));
  private readonly sourceFiles = new Map<string, ts.SourceFile>();
  private checks = 0;

  constructor(prismaSchema: string) {
    if (!existsSync(join(repoRoot, "dist/index.d.ts"))) throw new Error("dist/ is missing: run `npm run build` first (npm test's pretest does)");
    linkNodeModules(join(this.root, "node_modules"));
    generatePrismaClient(this.root, prismaSchema);
  }

  /** Writes the group's files (README blocks, then the given helper files) and type-checks them. */
  check(group: BlockGroup, profile: Profile): BlockProblem[] {
    if (profile === "next" && !existsSync(join(nextModules, "next"))) {
      throw new Error("examples/nextjs/node_modules is missing: run `npm run example:nextjs` first (npm test's pretest does)");
    }
    const dir = join(this.root, "groups", `${++this.checks}-${group.name}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
    symlinkSync(join(this.root, "generated"), join(dir, "generated"), "dir");
    const segments = new Map<string, Segment[]>();
    for (const [file, blocks] of group.files) writeBlocks(dir, file, blocks, segments);
    const given = join(givenRoot, group.name);
    if (existsSync(given)) copyGiven(given, dir, segments);
    copyGiven(join(givenRoot, "_shared"), dir, segments);

    const options = compilerOptions(profile, dir);
    const rootNames = listSources(dir);
    const host = this.host(options);
    const program = ts.createProgram({ rootNames, options, host });
    const diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics(), ...program.getSyntacticDiagnostics(), ...program.getSemanticDiagnostics()];
    return diagnostics.map((diagnostic) => problem(group.name, dir, diagnostic, segments));
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }

  /** A compiler host that parses each library file once for all groups with the same settings. */
  private host(options: ts.CompilerOptions): ts.CompilerHost {
    const host = ts.createCompilerHost(options, true);
    const parse = host.getSourceFile.bind(host);
    const settings = `${options.module}|${options.moduleResolution}|${options.jsx}`;
    host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
      if (!fileName.includes("/node_modules/") && !fileName.includes("/typescript/lib/")) return parse(fileName, languageVersion, onError, shouldCreate);
      const format = typeof languageVersion === "object" ? languageVersion.impliedNodeFormat : undefined;
      const key = `${settings}|${format}|${fileName}`;
      let file = this.sourceFiles.get(key);
      if (!file) {
        file = parse(fileName, languageVersion, onError, shouldCreate);
        if (file) this.sourceFiles.set(key, file);
      }
      return file;
    };
    return host;
  }
}

/** The README's `prisma` blocks marked for compilation, as one schema with a generator and datasource. */
export function prismaSchema(blocks: readonly ReadmeBlock[]): string {
  const models = blocks.filter((block) => block.lang === "prisma" && block.marker?.kind === "compile").map((block) => block.code);
  if (models.length === 0) throw new Error("README.md has no Prisma schema block marked <!-- compile: ... -->");
  return [
    'generator client {\n  provider = "prisma-client"\n  output = "./generated/prisma"\n  importFileExtension = "js"\n}',
    'datasource db {\n  provider = "postgresql"\n}',
    ...models,
  ].join("\n\n");
}

function compilerOptions(profile: Profile, dir: string): ts.CompilerOptions {
  const common: ts.CompilerOptions = {
    noEmit: true,
    strict: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    esModuleInterop: true,
    types: ["node"],
  };
  if (profile === "next") {
    return {
      ...common,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      jsx: ts.JsxEmit.ReactJSX,
      lib: ["lib.dom.d.ts", "lib.dom.iterable.d.ts", "lib.es2023.d.ts"],
      paths: { "@/*": [`${dir}/*`] },
      isolatedModules: true,
    };
  }
  return { ...common, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, lib: ["lib.es2023.d.ts"] };
}

/** node_modules for the projects: links to this repository's packages, sessionrow itself, and Next.js's own. */
function linkNodeModules(target: string): void {
  mkdirSync(target, { recursive: true });
  const sources = [join(repoRoot, "node_modules"), ...(existsSync(nextModules) ? [nextModules] : [])];
  for (const source of sources) {
    for (const name of readdirSync(source)) {
      if (name.startsWith(".") || name === "sessionrow") continue;
      const entries = name.startsWith("@") ? readdirSync(join(source, name)).map((inner) => `${name}/${inner}`) : [name];
      for (const entry of entries) {
        if (existsSync(join(target, entry))) continue;
        mkdirSync(dirname(join(target, entry)), { recursive: true });
        symlinkSync(join(source, entry), join(target, entry), "dir");
      }
    }
  }
  symlinkSync(repoRoot, join(target, "sessionrow"), "dir");
}

/** Generates the client with this repository's Prisma CLI; the stub engine fails loudly if a migrate runs. */
function generatePrismaClient(root: string, schema: string): void {
  writeFileSync(join(root, "schema.prisma"), schema);
  const stub = join(root, "schema-engine-unavailable");
  writeFileSync(stub, "#!/bin/sh\necho 'no schema engine in the README check' >&2\nexit 1\n", { mode: 0o755 });
  execFileSync(process.execPath, [join(repoRoot, "node_modules/prisma/build/index.js"), "generate", "--schema", "schema.prisma"], {
    cwd: root,
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: stub, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
    stdio: "pipe",
  });
}

/** Writes a file of README blocks, recording which file lines came from which README lines. */
function writeBlocks(dir: string, file: string, blocks: readonly ReadmeBlock[], segments: Map<string, Segment[]>): void {
  const path = join(dir, file);
  mkdirSync(dirname(path), { recursive: true });
  const parts: string[] = [];
  const placed: Segment[] = [];
  let fileLine = 0;
  for (const block of blocks) {
    const lines = block.code.split("\n").length;
    placed.push({ fileLine, lines, source: "README.md", sourceLine: block.line });
    parts.push(block.code);
    fileLine += lines;
  }
  writeFileSync(path, `${parts.join("\n")}\n`);
  segments.set(path, placed);
}

/** Copies helper files; `NAME.after.ts` is appended to NAME.ts (a check that needs the blocks' scope). */
function copyGiven(from: string, to: string, segments: Map<string, Segment[]>): void {
  for (const entry of readdirSync(from, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const source = join(entry.parentPath, entry.name);
    const target = join(to, relative(from, source));
    mkdirSync(dirname(target), { recursive: true });
    const given = relative(repoRoot, source);
    const code = readFileSync(source, "utf8");
    if (entry.name.endsWith(".after.ts")) {
      const host = target.replace(/\.after\.ts$/, ".ts");
      const before = existsSync(host) ? readFileSync(host, "utf8") : "";
      const fileLine = before.split("\n").length - 1;
      writeFileSync(host, `${before}${code}`);
      segments.set(host, [...(segments.get(host) ?? []), { fileLine, lines: code.split("\n").length, source: given, sourceLine: 1 }]);
    } else {
      cpSync(source, target);
      segments.set(target, [{ fileLine: 0, lines: code.split("\n").length, source: given, sourceLine: 1 }]);
    }
  }
}

function listSources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name) && !join(entry.parentPath, entry.name).includes("/generated"))
    .map((entry) => join(entry.parentPath, entry.name));
}

function problem(group: string, dir: string, diagnostic: ts.Diagnostic, segments: Map<string, Segment[]>): BlockProblem {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
  if (!diagnostic.file || diagnostic.start === undefined) return { group, where: "(compiler options)", message };
  const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  const segment = segments.get(diagnostic.file.fileName)?.find((s) => line >= s.fileLine && line < s.fileLine + s.lines);
  if (segment) return { group, where: `${segment.source}:${segment.sourceLine + line - segment.fileLine}`, message };
  return { group, where: `${relative(dir, diagnostic.file.fileName)}:${line + 1}`, message };
}
