import { setTimeout as sleep } from "node:timers/promises";

/** Resolves once `check` answers true, polling every 25 ms; rejects after `timeoutMs`. */
export async function pollUntil(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}
