/**
 * Prisma Migrate without Prisma's native schema engine.
 *
 * The Prisma CLI runs `migrate deploy` / `migrate diff` through a native `schema-engine` binary
 * that it downloads on first use. Where that download is impossible, this module runs the
 * official WebAssembly build of the same engine (`@prisma/schema-engine-wasm`) in-process and
 * lets it reach the database through a driver adapter. The wasm engine supports the PostgreSQL
 * family of adapters (`PrismaPg`, `PrismaPGlite`) and SQLite's (`PrismaLibSql`); it rejects
 * MySQL/MariaDB adapters.
 *
 * @module
 */
import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import type { DiffTarget, MigrationList, SchemaContainer, SchemaEngine, SchemaFilter } from "@prisma/schema-engine-wasm";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaLibSql } from "@prisma/adapter-libsql";

type EngineGlue = typeof import("@prisma/schema-engine-wasm/schema_engine_bg");

/** Driver adapter factory the engine can also ask for a throwaway "shadow" database. */
export type MigrationAdapterFactory = SqlMigrationAwareDriverAdapterFactory;

/** No tables or enums are managed outside Prisma (prisma.config.ts sets no `tables.external`). */
const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };

// The compiler `lib` has no DOM and @types/node 20 does not declare the WebAssembly global.
declare const WebAssembly: {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
};

let gluePromise: Promise<EngineGlue> | undefined;

/**
 * Timers the engine started. It never clears them (e.g. the 10 s timeout around its advisory
 * lock), so a finished command would keep the process alive; they are cleared once no engine
 * is running.
 */
const engineTimers = new Set<NodeJS.Timeout>();
let runningEngines = 0;

/**
 * Instantiates the engine's wasm once per process. The package's entry point imports the `.wasm`
 * file as an ES module, which Node cannot load, so the glue module is wired up by hand, the same
 * way the Prisma CLI loads its own bundled copy.
 */
function loadEngine(): Promise<EngineGlue> {
  gluePromise ??= (async () => {
    // Resolved from the working directory instead of `import.meta.url` / `__filename`, so this
    // file runs unchanged as ESM (tsx) and as CommonJS (jest + @swc/jest). The glue file is ESM:
    // jest must transform it (see `transformIgnorePatterns`), plain Node needs require(esm).
    const require = createRequire(path.join(process.cwd(), "package.json"));
    const gluePath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const glue = require(gluePath) as EngineGlue;
    const bytes = await readFile(path.join(path.dirname(gluePath), "schema_engine_bg.wasm"));
    const imports: Record<string, unknown> = { ...glue };
    for (const name of Object.keys(imports).filter((key) => key.startsWith("__wbg_setTimeout_"))) {
      imports[name] = (callback: () => void, ms: number) => {
        const timer = setTimeout(() => {
          engineTimers.delete(timer);
          callback();
        }, ms >>> 0);
        engineTimers.add(timer);
        return timer;
      };
    }
    const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": imports });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    // The glue reports Rust panics here; without it a panic surfaces as an unrelated TypeError.
    const global = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { set_message(message: string): void } };
    global.PRISMA_WASM_PANIC_REGISTRY ??= {
      set_message(message) {
        console.error(`Prisma schema engine panicked: ${message}`);
      },
    };
    return glue;
  })();
  return gluePromise;
}

async function readSchemaFiles(schemaPath: string): Promise<SchemaContainer[]> {
  return [{ path: path.resolve(schemaPath), content: await readFile(schemaPath, "utf8") }];
}

/**
 * Reads a migrations directory the way the Prisma CLI does: each subdirectory's `migration.sql`,
 * ordered by directory name, plus `migration_lock.toml`.
 */
async function readMigrations(migrationsDir: string): Promise<MigrationList> {
  const baseDir = path.resolve(migrationsDir);
  const lockfile = await readFile(path.join(baseDir, "migration_lock.toml"), "utf8").catch(() => null);
  const entries = await readdir(baseDir, { withFileTypes: true }).catch(() => []);
  const migrationDirectories = await Promise.all(
    entries
      .filter((entry) => entry.isDirectory())
      .map(async (entry) => ({
        path: entry.name,
        migrationFile: {
          path: "migration.sql",
          content: await readFile(path.join(baseDir, entry.name, "migration.sql"), "utf8").then(
            (value) => ({ tag: "ok" as const, value }),
            (error: Error) => ({ tag: "error" as const, value: error.message }),
          ),
        },
      })),
  );
  migrationDirectories.sort((a, b) => a.path.localeCompare(b.path));
  return {
    baseDir,
    lockfile: { path: "migration_lock.toml", content: lockfile },
    shadowDbInitScript: "",
    migrationDirectories,
  };
}

/**
 * Runs `use` with an engine connected through `adapterFactory`, then frees the engine and
 * disposes every adapter it opened: freeing the engine does not, and an undisposed `PrismaPg`
 * pool keeps the process alive.
 */
async function withEngine<T>(
  schemaFiles: SchemaContainer[],
  adapterFactory: MigrationAdapterFactory,
  use: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const { SchemaEngine } = await loadEngine();
  const opened: SqlDriverAdapter[] = [];
  const track = (adapter: SqlDriverAdapter): SqlDriverAdapter => {
    const dispose = adapter.dispose.bind(adapter);
    let disposed: Promise<void> | undefined;
    adapter.dispose = () => (disposed ??= dispose());
    opened.push(adapter);
    return adapter;
  };
  const bound = bindMigrationAwareSqlAdapterFactory({
    provider: adapterFactory.provider,
    adapterName: adapterFactory.adapterName,
    connect: async () => track(await adapterFactory.connect()),
    connectToShadowDb: async () => track(await adapterFactory.connectToShadowDb()),
  });
  let engine: SchemaEngine | undefined;
  runningEngines++;
  try {
    engine = await SchemaEngine.new(
      { datamodels: schemaFiles.map((file): [string, string] => [file.path, file.content]) },
      () => {},
      bound,
    );
    return await use(engine);
  } catch (error) {
    // Driver errors cross the wasm boundary as "External error id#N"; recover the original.
    const id = /External error id#(\d+)/.exec(String((error as Error)?.message))?.[1];
    const original = id === undefined ? undefined : bound.errorRegistry.consumeError(Number(id))?.error;
    throw original ?? error;
  } finally {
    engine?.free();
    await Promise.allSettled(opened.map((adapter) => adapter.dispose()));
    if (--runningEngines === 0) {
      for (const timer of engineTimers) clearTimeout(timer);
      engineTimers.clear();
    }
  }
}

/**
 * `prisma migrate diff --from <from> --to-schema <schemaPath> --script`. It runs on a throwaway
 * in-memory database of the schema's provider (PGlite for PostgreSQL, libSQL for SQLite): the
 * engine opens a connection on start-up even for a pure schema-to-schema diff, and replaying
 * migrations needs a shadow database. Not through a caller's `PrismaPg`: with
 * `@prisma/adapter-pg` 7.10 the engine fails to introspect a database ("Column type 'char' could
 * not be deserialized").
 */
async function diffToSchema(from: DiffTarget, schemaPath: string): Promise<string> {
  const files = await readSchemaFiles(schemaPath);
  const scratch = /provider\s*=\s*"sqlite"/.test(files[0]!.content) ? sqliteScratch() : pgliteScratch();
  try {
    return await withEngine(files, scratch.factory, async (engine) => {
      const to: DiffTarget = { tag: "schemaDatamodel", files };
      const { stdout } = await engine.diff({ from, to, script: true, exitCode: null, filters: NO_FILTER });
      return stdout ?? "";
    });
  } finally {
    await scratch.close();
  }
}

/** Throwaway in-memory databases for the engine, and a way to close them all. */
interface ScratchDatabases {
  factory: MigrationAdapterFactory;
  close(): Promise<void>;
}

function pgliteScratch(): ScratchDatabases {
  // Our own PGlite for the shadow database too: the adapter's `connectToShadowDb()` never closes
  // the instance it creates, and an open PGlite keeps the process alive for 10 s.
  const databases: PGlite[] = [];
  const connect = () => {
    const database = new PGlite();
    databases.push(database);
    return new PrismaPGlite(database).connect();
  };
  return {
    factory: { provider: "postgres", adapterName: "pglite-prisma-adapter", connect, connectToShadowDb: connect },
    close: async () => {
      await Promise.all(databases.map((database) => database.close()));
    },
  };
}

function sqliteScratch(): ScratchDatabases {
  // Each connection to ":memory:" is an empty database of its own; `withEngine` disposes them.
  const connect = () => new PrismaLibSql({ url: ":memory:" }).connect();
  return {
    factory: { provider: "sqlite", adapterName: "@prisma/adapter-libsql", connect, connectToShadowDb: connect },
    close: async () => undefined,
  };
}

/**
 * The SQL script that creates the schema in an empty PostgreSQL database: tables, indexes and
 * foreign keys, preceded by `CREATE SCHEMA IF NOT EXISTS "public"`. Needs no database server.
 * Equivalent to `prisma migrate diff --from-empty --to-schema <schemaPath> --script`.
 */
export function diffSchemaFromEmpty(schemaPath: string): Promise<string> {
  return diffToSchema({ tag: "empty" }, schemaPath);
}

/**
 * The SQL still needed, after applying every migration in `migrationsDir`, to reach the schema;
 * `"-- This is an empty migration.\n"` when migrations and schema agree. Needs no database server.
 * Equivalent to `prisma migrate diff --from-migrations <dir> --to-schema <schemaPath> --script`.
 *
 * A real check, not a text comparison: the engine replays the migrations into a fresh in-memory
 * PGlite shadow database, introspects it and diffs the result against the schema, so a migration
 * that fails to run also fails this call. `migrationsDir` must contain `migration_lock.toml`.
 * PostgreSQL only: on SQLite (engine 8.1 with `@prisma/adapter-libsql` 7.10) the replay into the
 * shadow database keeps only each migration's first statement, so the diff comes out wrong.
 */
export async function diffMigrationsToSchema(migrationsDir: string, schemaPath: string): Promise<string> {
  return diffToSchema({ tag: "migrations", ...(await readMigrations(migrationsDir)) }, schemaPath);
}

/**
 * Applies the pending migrations in `migrationsDir` to the adapter's database, exactly like
 * `prisma migrate deploy`: each unapplied `migration.sql` runs in order and is recorded in
 * `_prisma_migrations` (checksum, timestamps), and already-applied ones are skipped, so a second
 * call applies nothing. Like the CLI it refuses to run while an earlier failed migration is
 * unresolved, and it does not check applied migrations for later edits. Unlike the CLI it does
 * not create a missing database.
 *
 * @returns The names of the migrations applied by this call, in order.
 */
export async function applyMigrations(options: {
  adapterFactory: MigrationAdapterFactory;
  migrationsDir: string;
  schemaPath: string;
}): Promise<string[]> {
  const files = await readSchemaFiles(options.schemaPath);
  const migrationsList = await readMigrations(options.migrationsDir);
  return withEngine(files, options.adapterFactory, async (engine) => {
    const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: NO_FILTER });
    return appliedMigrationNames;
  });
}
