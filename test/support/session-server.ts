// A child process serving the session test app on the store its environment names; prints its port.
import { SessionManager } from "../../src/index.js";
import { createSessionApp } from "./session-app.js";
import { openStoreFromEnv } from "./child-store.js";

const { store, close } = await openStoreFromEnv();
const manager = new SessionManager(store, { secret: process.env.SESSIONROW_TEST_SECRET! });
const server = createSessionApp(manager).listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`${typeof address === "object" && address ? address.port : 0}\n`);
});
process.on("SIGTERM", () => {
  server.close(() => void close().then(() => process.exit(0)));
});
