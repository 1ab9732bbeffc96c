import Fastify from "fastify";
import { fastifySessions } from "../../../src/fastify.js";
import type { StartAdapter } from "./adapter-server.js";

export const startFastify: StartAdapter = async (manager) => {
  const app = Fastify();
  await app.register(fastifySessions, { manager });
  app.post<{ Params: { id: string } }>("/login/:id", async (request, reply) => {
    await request.session.setUser(Number(request.params.id));
    return reply.redirect("/me", 303);
  });
  app.get("/me", async (request) => ({ userId: request.session.userId }));
  app.get<{ Params: { key: string } }>("/set/:key", async (request) => {
    request.session.set(request.params.key, true);
    return { ok: true };
  });
  app.get("/keys", async (request) => request.session.keys().sort());
  app.get("/decorated", async (request, reply) => {
    request.session.set("decorated", true);
    reply.header("cache-control", "public, max-age=600").header("set-cookie", "remember=1; Path=/").header("location", "/elsewhere");
    return { ok: true };
  });
  app.post("/logout", async (request) => {
    await request.session.destroy();
    return { ok: true };
  });
  const url = await app.listen({ port: 0, host: "127.0.0.1" });
  return { url, close: () => app.close() };
};
