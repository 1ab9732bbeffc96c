import type { AddressInfo } from "node:net";
import express, { type ErrorRequestHandler } from "express";
import type { StartAdapter } from "./adapter-server.js";

export const startExpress: StartAdapter = async (manager) => {
  const app = express();
  app.use(manager.express());
  app.post("/login/:id", async (req, res) => {
    await req.session.setUser(Number(req.params.id));
    res.redirect(303, "/me");
  });
  app.get("/me", (req, res) => void res.json({ userId: req.session.userId }));
  app.get("/set/:key", (req, res) => {
    req.session.set(req.params.key, true);
    res.json({ ok: true });
  });
  app.get("/keys", (req, res) => void res.json(req.session.keys().sort()));
  app.get("/decorated", (req, res) => {
    req.session.set("decorated", true);
    res.setHeader("Cache-Control", "public, max-age=600");
    res.cookie("remember", "1");
    res.location("/elsewhere").json({ ok: true });
  });
  app.post("/logout", async (req, res) => {
    await req.session.destroy();
    res.json({ ok: true });
  });
  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    res.status(error.status ?? 500).json({ code: error.code ?? "ERROR" });
  };
  app.use(onError);
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
