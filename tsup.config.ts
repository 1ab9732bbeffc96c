import { existsSync } from "node:fs";
import { defineConfig, type Options } from "tsup";

/** The package's entry points: `sessionrow` and its subpaths (package.json `exports` lists the same). */
const entry = {
  index: "src/index.ts",
  prisma: "src/prisma.ts",
  typeorm: "src/typeorm.ts",
  express: "src/express.ts",
  nest: "src/nest.ts",
  "express-session": "src/express-session.ts",
  fastify: "src/fastify.ts",
  web: "src/web.ts",
};

/** The `sessionrow` command (package.json `bin`), ESM only; built once it exists. */
const cli: Record<string, string> = existsSync("src/cli/main.ts") ? { "cli/main": "src/cli/main.ts" } : {};

const common: Options = {
  tsconfig: "tsconfig.build.json",
  target: "node20",
  platform: "node",
  outDir: "dist",
  // `npm run build` empties dist first: the two builds below write into it side by side.
  clean: false,
  // Shared chunks, so every entry point of one format sees one SessionManager and one Session class
  // (`instanceof` across `sessionrow` and `sessionrow/nest` holds).
  splitting: true,
  // Dependencies and (optional) peers stay imports: the ORM and framework are the app's own.
  skipNodeModulesBundle: true,
  removeNodeProtocol: false,
  // Unminified output reads fine in stack traces; source maps would double the package.
  sourcemap: false,
  // Declarations for the library entries only (.d.ts for ESM, .d.cts for CommonJS).
  dts: { entry },
  // tsconfig.build.json turns emitDecoratorMetadata off, so tsup compiles with esbuild alone (see there).
};

export default defineConfig([
  { ...common, format: "esm", entry: { ...entry, ...cli } },
  { ...common, format: "cjs", entry },
]);
