import type { Request } from "express";
import session from "express-session";
import type { SessionAdapter } from "../contender.js";

/**
 * express-session's settings for every peer: its documented production recommendations
 * (`resave: false`, `saveUninitialized: false`, the peers' READMEs agree) and a 30-minute sliding
 * cookie, the same idle timeout sessionrow uses by default.
 */
export function expressSessionOptions(store: session.Store, secret: string): session.SessionOptions {
  return { store, secret, resave: false, saveUninitialized: false, cookie: { maxAge: 30 * 60 * 1000 } };
}

/** The settings recorded with the results. */
export const expressSessionSettings = {
  resave: false,
  saveUninitialized: false,
  rolling: false,
  cookie: { maxAge: 30 * 60 * 1000 },
};

type Data = Record<string, unknown> & { userId?: number };
const sessionOf = (req: Request): Data => (req as unknown as { session: Data }).session;

/**
 * The shared routes on express-session's `req.session`; `loadUser` reads the user row with the same
 * ORM (or driver) as the store.
 */
export function expressSessionAdapter(loadUser: (id: number) => Promise<unknown>): SessionAdapter {
  return {
    login: async (req, userId) => {
      sessionOf(req).userId = userId;
    },
    get: (req, key) => sessionOf(req)[key],
    set: (req, key, value) => {
      sessionOf(req)[key] = value;
    },
    increment: (req, key) => {
      const data = sessionOf(req);
      data[key] = ((data[key] as number | undefined) ?? 0) + 1;
    },
    user: async (req) => {
      const id = sessionOf(req).userId;
      return id === undefined ? null : loadUser(id);
    },
  };
}
