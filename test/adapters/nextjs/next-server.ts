import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { pollUntil } from "../../support/poll-until.js";

/** The example app, built by CI before the tests. */
export const EXAMPLE_DIR = path.resolve(__dirname, "../../../examples/nextjs");

/** A running `next start` of the built example. */
export interface NextServer {
  url: string;
  /** The process, to check that it is still running. */
  process: ChildProcess;
  /** What the server printed so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

/** Fails (never skips) when the example is not built, saying how to build it. */
export function assertExampleBuilt(): void {
  const missing = ["node_modules/next/dist/bin/next", "generated/prisma/client.ts", ".next/BUILD_ID"].filter(
    (file) => !existsSync(path.join(EXAMPLE_DIR, file)),
  );
  if (missing.length > 0) {
    throw new Error(
      `The Next.js example is not built (missing ${missing.join(", ")} in examples/nextjs). Build it first: ` +
        "npm run build && cd examples/nextjs && npm install && npm run generate && NEXT_TELEMETRY_DISABLED=1 npm run build",
    );
  }
}

/** Starts `next start` of the built example on a free loopback port, resolving once it answers. */
export async function startNextServer(env: Record<string, string>): Promise<NextServer> {
  assertExampleBuilt();
  const port = await freePort();
  const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: EXAMPLE_DIR,
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const server: NextServer = {
    url: `http://127.0.0.1:${port}`,
    process: child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
  try {
    await pollUntil(
      "next start to answer",
      async () => {
        if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}:\n${output}`);
        return fetch(`${server.url}/me`).then(
          (response) => response.status === 200,
          () => false,
        );
      },
      20_000,
    );
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
