import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { withClient } from "./database.js";

/** Where and with what a bench run ran. */
export interface EnvironmentInfo {
  machine: { cpu: string; cores: number; memoryGiB: number; os: string; loadAverageAtStart: number[] };
  node: string;
  postgres: { version: string; settings: Record<string, string> };
  sessionrow: { version: string; commit: string };
  packages: Record<string, string>;
}

const PACKAGES = [
  "express",
  "express-session",
  "connect-pg-simple",
  "@quixo3/prisma-session-store",
  "connect-typeorm",
  "@prisma/client",
  "@prisma/adapter-pg",
  "typeorm",
  "pg",
  "autocannon",
  "tsx",
];

const POSTGRES_SETTINGS = ["shared_buffers", "max_connections", "synchronous_commit", "fsync", "work_mem", "effective_cache_size"];

/** Collects machine, versions and server settings. */
export async function environmentInfo(databaseUrl: string): Promise<EnvironmentInfo> {
  const postgres = await withClient(databaseUrl, async (client) => {
    const version = (await client.query<{ v: string }>("SELECT version() AS v")).rows[0]!.v;
    const { rows } = await client.query<{ name: string; value: string }>(
      "SELECT name, current_setting(name) AS value FROM pg_settings WHERE name = ANY($1) ORDER BY name",
      [POSTGRES_SETTINGS],
    );
    return { version, settings: Object.fromEntries(rows.map((row) => [row.name, row.value])) };
  });
  const ownPackage = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
  return {
    machine: {
      cpu: os.cpus()[0]?.model.trim() ?? "unknown",
      cores: os.cpus().length,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      os: `${os.type()} ${os.release()} ${os.arch()}`,
      loadAverageAtStart: os.loadavg().map((load) => Math.round(load * 100) / 100),
    },
    node: process.version,
    postgres,
    sessionrow: { version: ownPackage.version, commit: gitCommit() },
    packages: Object.fromEntries(PACKAGES.map((name) => [name, installedVersion(name)])),
  };
}

function installedVersion(name: string): string {
  try {
    // Read from node_modules directly: not every package exports its package.json.
    return (JSON.parse(readFileSync(path.join("node_modules", name, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "not installed";
  }
}

function gitCommit(): string {
  try {
    const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "src"], { encoding: "utf8" }).trim() !== "";
    return dirty ? `${commit} + uncommitted changes in src/` : commit;
  } catch {
    return "unknown";
  }
}
