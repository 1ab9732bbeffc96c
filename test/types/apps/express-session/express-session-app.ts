// Type-level test, checked by `npm run typecheck`: an app on express-session switches its storage to
// sessionrow with one line and keeps express-session's own types for req.session.
import express from "express";
import session from "express-session";
import { expressSessionStore, SessionManager } from "sessionrow/express-session";
import type { PrismaClient } from "../../../../generated/prisma/client.js";

declare const prisma: PrismaClient;

declare module "express-session" {
  interface SessionData {
    userId: number;
    views: number;
  }
}

const sessions = SessionManager.fromPrisma(prisma, { secret: process.env.SESSIONROW_SECRET! });
const app = express();
app.use(
  session({
    store: expressSessionStore(session, sessions, { userIdKey: "userId" }),
    secret: process.env.SESSION_SECRET!,
    resave: false,
    saveUninitialized: false,
  }),
);
app.post("/login", (req, res, next) => {
  req.session.regenerate((error) => {
    if (error) return next(error);
    req.session.userId = 1;
    res.end();
  });
});
app.use(session({ store: sessions.expressSessionStore(session), secret: "x", resave: false, saveUninitialized: false }));
app.get("/", (req, res) => {
  req.session.views = (req.session.views ?? 0) + 1;
  // @ts-expect-error express-session's own SessionData types views as a number
  req.session.views = "many";
  res.json({ views: req.session.views });
});
