/** Stops the database containers global-setup started, if any. */
export default async function globalTeardown(): Promise<void> {
  const containers = (globalThis as { __sessionrowContainers?: { stop(): Promise<unknown> }[] }).__sessionrowContainers ?? [];
  await Promise.all(containers.map((container) => container.stop()));
}
