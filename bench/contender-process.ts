/**
 * Child process running one contender app on loopback, so that no contender shares an event loop
 * with the load generator or another contender.
 *
 *     node --import tsx bench/contender-process.ts <contender>   (forked by contender-client.ts)
 *
 * Environment: BENCH_DATABASE_URL, BENCH_SECRET. Messages (IPC): it sends `{ type: "ready", port,
 * settings }`; it answers `{ type: "stats" }` with `{ type: "stats", requests, inFlight, cpuMicros, statements }`
 * (requests started, process CPU time and statements sent since start, the parent takes differences;
 * requests not yet closed) and exits on `{ type: "close" }`.
 */
import { statementCounts } from "./statement-counter.js";
import type { AddressInfo } from "node:net";
import type { CreateContender } from "./contender.js";
import { buildApp } from "./routes.js";

/** Messages a contender process sends to the parent. */
export type ContenderMessage =
  | { type: "ready"; port: number; settings: Record<string, unknown> }
  | { type: "stats"; requests: number; inFlight: number; cpuMicros: number; statements: ReturnType<typeof statementCounts> };

async function main(): Promise<void> {
  const name = process.argv[2];
  const databaseUrl = process.env.BENCH_DATABASE_URL;
  const secret = process.env.BENCH_SECRET;
  if (!name || !databaseUrl || !secret) throw new Error("usage: contender-process.ts <contender> (BENCH_DATABASE_URL, BENCH_SECRET)");
  const module = (await import(`./contenders/${name}.js`)) as { createContender: CreateContender };
  const contender = await module.createContender({ databaseUrl, secret });
  let requests = 0;
  let closed = 0;
  const server = buildApp(contender, {
    started: () => requests++,
    closed: () => closed++,
  }).listen(0, "127.0.0.1");
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const send = (message: ContenderMessage) => process.send?.(message);
  process.on("message", (message: { type: string }) => {
    if (message.type === "stats") {
      const cpu = process.cpuUsage();
      send({ type: "stats", requests, inFlight: requests - closed, cpuMicros: cpu.user + cpu.system, statements: statementCounts() });
    }
    if (message.type === "close") {
      server.closeAllConnections();
      server.close();
      contender.close().finally(() => process.exit(0));
    }
  });
  process.on("disconnect", () => process.exit(0));
  send({ type: "ready", port: (server.address() as AddressInfo).port, settings: contender.settings });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
