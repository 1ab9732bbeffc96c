import express, { type ErrorRequestHandler, type Express } from "express";
import type { Contender } from "./contender.js";

/**
 * The app every contender runs: the same routes over each contender's {@link SessionAdapter}.
 *
 * - `POST /login?user=N` logs user N in and stores `theme` (prepares authenticated sessions);
 * - `GET /read` and `GET /lookup`: read `theme` and the user row, change nothing (`/lookup` is the
 *   scale scenario's copy, declared read-only where a library supports that);
 * - `GET /change`: sets one key (`page`) to a new value;
 * - `GET /anonymous`: a request without a session that stores one key (`cart`), so that every
 *   contender creates and stores a session (an empty new session is stored by none of them);
 * - `GET /increment`: `count = (count ?? 0) + 1`; `GET /count` reads it back.
 *
 * A reference contender (no session library) serves its own `/read`, or `/increment` and `/count`.
 */
export function buildApp(contender: Contender, count: { started(): void; closed(): void }): Express {
  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  app.use((_req, res, next) => {
    count.started();
    res.on("close", count.closed);
    next();
  });
  if (contender.middleware.length > 0) app.use(...contender.middleware);
  const session = contender.session;
  if (contender.read) {
    app.get("/read", contender.read);
    app.get("/lookup", contender.read);
  }
  if (contender.increment) app.get("/increment", contender.increment);
  if (contender.count) app.get("/count", contender.count);
  if (session) {
    const read: express.RequestHandler = async (req, res) => {
      const user = await session.user(req);
      res.json({ theme: session.get(req, "theme") ?? null, user });
    };
    let page = 0;
    app.post("/login", async (req, res) => {
      await session.login(req, Number(req.query.user));
      session.set(req, "theme", "dark");
      res.json({ ok: true });
    });
    app.get("/read", read);
    app.get("/lookup", read);
    app.get("/change", (req, res) => {
      session.set(req, "page", ++page);
      res.json({ page });
    });
    app.get("/anonymous", (req, res) => {
      session.set(req, "cart", ["welcome"]);
      res.json({ ok: true });
    });
    app.get("/increment", (req, res) => {
      session.increment(req, "count");
      res.json({ ok: true });
    });
    app.get("/count", (req, res) => {
      res.json({ count: session.get(req, "count") ?? 0 });
    });
  }
  app.use(errorHandler());
  return app;
}

/** Answers errors with their status (409 for a sessionrow ConflictError) and logs the first few. */
function errorHandler(): ErrorRequestHandler {
  let logged = 0;
  return (error, _req, res, _next) => {
    const status = typeof error?.status === "number" ? error.status : 500;
    if (status >= 500 && logged++ < 5) console.error(`[contender] ${status}: ${error?.stack ?? error}`);
    res.status(status).json({ error: String(error?.message ?? error) });
  };
}
