import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import type { ContenderMessage } from "./contender-process.js";
import type { StatementCounts } from "./statement-counter.js";

/** Requests started and statements sent by a contender process, cumulative. */
export interface ContenderStats {
  requests: number;
  /** Requests started and not yet closed. */
  inFlight: number;
  /** CPU time (user + system) the contender process used. */
  cpuMicros: number;
  statements: StatementCounts;
}

/** A running contender process, seen from the bench. */
export interface RunningContender {
  name: string;
  url: string;
  settings: Record<string, unknown>;
  stats(): Promise<ContenderStats>;
  /**
   * Stats once every request has closed and had `settleMs` more to finish its work (a request whose
   * client hung up still commits its session), so a window's statements belong to its requests.
   */
  settledStats(settleMs?: number): Promise<ContenderStats>;
  stop(): Promise<void>;
}

const ENTRY = fileURLToPath(new URL("./contender-process.ts", import.meta.url));
const STARTUP_TIMEOUT_MS = 60_000;

/** Forks the contender `name` (a module in bench/contenders/) and waits until it listens. */
export async function startContender(
  name: string,
  env: { databaseUrl: string; secret: string; profileDir?: string | undefined },
): Promise<RunningContender> {
  // One directory per contender: Node writes a profile per thread (the main one is the largest).
  const profile = env.profileDir ? ["--cpu-prof", `--cpu-prof-dir=${path.join(env.profileDir, name)}`] : [];
  const child = fork(ENTRY, [name], {
    execArgv: ["--import", "tsx", ...profile],
    env: { ...process.env, NODE_ENV: "production", BENCH_DATABASE_URL: env.databaseUrl, BENCH_SECRET: env.secret },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const ready = await nextMessage(child, "ready", STARTUP_TIMEOUT_MS);
  if (ready.type !== "ready") throw new Error("unreachable");
  const stats = async (): Promise<ContenderStats> => {
    child.send({ type: "stats" });
    const message = await nextMessage(child, "stats", 10_000);
    if (message.type !== "stats") throw new Error("unreachable");
    return { requests: message.requests, inFlight: message.inFlight, cpuMicros: message.cpuMicros, statements: message.statements };
  };
  return {
    name,
    url: `http://127.0.0.1:${ready.port}`,
    settings: ready.settings,
    stats,
    settledStats: async (settleMs = 200) => {
      const deadline = Date.now() + 30_000;
      while ((await stats()).inFlight > 0 && Date.now() < deadline) await sleep(20);
      await sleep(settleMs);
      return stats();
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.send({ type: "close" });
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function nextMessage(child: ChildProcess, type: ContenderMessage["type"], timeoutMs: number): Promise<ContenderMessage> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ContenderMessage) => {
      if (message.type !== type) return;
      cleanup();
      resolve(message);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`contender process exited (code ${code}) while waiting for "${type}"`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`contender process sent no "${type}" within ${timeoutMs} ms`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
    };
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}
