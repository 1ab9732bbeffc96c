import { setTimeout as sleep } from "node:timers/promises";
import type { Command } from "commander";
import type { GlobalOptions } from "./global-options.js";
import { openSource } from "./open-source.js";
import type { SessionSource } from "./session-source.js";

/** How long closing may take: a statement still waiting in the database (after `storeTimeout`) holds its connection. */
const CLOSE_TIMEOUT_MS = 2000;

/** Runs a command's work on the configured sessions, closing them afterwards. */
export async function withSource(command: Command, work: (source: SessionSource) => Promise<void>): Promise<void> {
  const source = await openSource(command.optsWithGlobals<GlobalOptions>(), process.env, process.cwd());
  try {
    await work(source);
  } finally {
    await Promise.race([source.close(), sleep(CLOSE_TIMEOUT_MS, undefined, { ref: false })]);
  }
}

/** The time the command judges expiry by: the manager's clock. */
export function nowOf(source: SessionSource): Date {
  return new Date(source.manager.options.clock.now());
}
