import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import type { SessionOf } from "../../../src/index.js";
import { honoSessions } from "../../../src/web.js";
import type { StartAdapter, SuiteManager } from "./adapter-server.js";

export const startHono: StartAdapter = async (manager) => {
  const app = new Hono<{ Variables: { session: SessionOf<SuiteManager> } }>();
  app.use(honoSessions(manager));
  app.post("/login/:id", async (c) => {
    await c.get("session").setUser(Number(c.req.param("id")));
    return c.redirect("/me", 303);
  });
  app.get("/me", (c) => c.json({ userId: c.get("session").userId }));
  app.get("/set/:key", (c) => {
    c.get("session").set(c.req.param("key"), true);
    return c.json({ ok: true });
  });
  app.get("/keys", (c) => c.json(c.get("session").keys().sort()));
  app.get("/decorated", (c) => {
    c.get("session").set("decorated", true);
    c.header("Cache-Control", "public, max-age=600");
    c.header("Set-Cookie", "remember=1; Path=/");
    c.header("Location", "/elsewhere");
    return c.json({ ok: true });
  });
  app.post("/logout", async (c) => {
    await c.get("session").destroy();
    return c.json({ ok: true });
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(started));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
