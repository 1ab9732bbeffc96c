import express, { type ErrorRequestHandler } from "express";
import type { SessionManager } from "../../src/index.js";

/** Lets a test hold a request inside its handler until it says go. */
export class Gate {
  #open!: () => void;
  readonly opened = new Promise<void>((resolve) => (this.#open = resolve));
  #entered!: () => void;
  readonly entered = new Promise<void>((resolve) => (this.#entered = resolve));

  async pass(): Promise<void> {
    this.#entered();
    await this.opened;
  }

  open(): void {
    this.#open();
  }
}

/**
 * The Express app the concurrency tests drive: one route per kind of session write.
 * `gates` holds requests to `/held/...` until the test opens them.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any manager, whatever its data and user types
export function createSessionApp(manager: SessionManager<any, any, any>, gates = new Map<string, Gate>()) {
  const app = express();
  app.use(manager.express());
  app.get("/set/:key", (req, res) => {
    req.session.set(req.params.key, true);
    res.send("ok");
  });
  app.get("/keys", (req, res) => {
    res.json(req.session.keys().sort());
  });
  app.get("/get/:key", (req, res) => {
    res.json({ value: req.session.get(req.params.key) ?? null });
  });
  app.get("/increment", (req, res) => {
    res.json({ count: req.session.update("count", (n) => ((n as number | undefined) ?? 0) + 1) });
  });
  app.get("/set-count/:value", (req, res) => {
    req.session.set("count", Number(req.params.value));
    res.send("ok");
  });
  app.get("/cart/:item", (req, res) => {
    req.session.update("cart", (cart) => [...((cart as string[] | undefined) ?? []), req.params.item]);
    res.send("ok");
  });
  app.get("/failing-update", (req) => {
    req.session.update("count", () => {
      throw new Error("updater failed");
    });
  });
  app.get("/login/:userId", async (req, res) => {
    await req.session.setUser(Number(req.params.userId));
    res.send("ok");
  });
  app.get("/logout", async (req, res) => {
    await req.session.destroy();
    res.send("ok");
  });
  app.get("/held/:gate/set/:key", async (req, res) => {
    await gates.get(req.params.gate)!.pass();
    req.session.set(req.params.key, true);
    res.send("ok");
  });
  app.get("/held/:gate/increment", async (req, res) => {
    await gates.get(req.params.gate)!.pass();
    res.json({ count: req.session.update("count", (n) => ((n as number | undefined) ?? 0) + 1) });
  });
  app.get("/held/:gate/set-count/:value", async (req, res) => {
    await gates.get(req.params.gate)!.pass();
    req.session.set("count", Number(req.params.value));
    res.send("ok");
  });
  app.get("/held/:gate/read", async (req, res) => {
    await gates.get(req.params.gate)!.pass();
    res.json(req.session.keys());
  });
  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    res.status(error.status ?? 500).json({ code: error.code ?? "ERROR", message: error.message });
  };
  app.use(onError);
  return app;
}

/** The session cookie's name with the default options: Secure, so `__Host-` prefixed. */
export const SESSION_COOKIE = "__Host-sessionrow";

/** The `name=value` part of the session cookie a response set. */
export function sessionCookie(headers: Record<string, unknown>, name = SESSION_COOKIE): string {
  const cookies = (headers["set-cookie"] ?? []) as string[];
  const cookie = cookies.find((c) => c.startsWith(`${name}=`) && !c.startsWith(`${name}=;`));
  if (!cookie) throw new Error(`no session cookie in ${JSON.stringify(headers)}`);
  return cookie.split(";")[0]!;
}
