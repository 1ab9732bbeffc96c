/** Stops the PostgreSQL container global-setup started, if any. */
export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __sessionrowContainer?: { stop(): Promise<unknown> } }).__sessionrowContainer?.stop();
}
