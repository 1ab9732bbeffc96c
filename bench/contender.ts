import type { Request, RequestHandler } from "express";

/**
 * The session operations the shared routes call. Each contender implements them with its own
 * library's idiomatic API, so every contender serves the same routes with the same code.
 */
export interface SessionAdapter {
  /** Logs `userId` in (not measured: it only prepares authenticated sessions). */
  login(req: Request, userId: number): Promise<void>;
  get(req: Request, key: string): unknown;
  set(req: Request, key: string, value: unknown): void;
  /** Read-modify-write of a counter: `key = (key ?? 0) + 1`, the library's best way. */
  increment(req: Request, key: string): void;
  /** The logged-in user's row (id, email, name), read the library's (or its ORM's) way. */
  user(req: Request): Promise<unknown>;
}

/** One contender app, as built by a module in bench/contenders/. */
export interface Contender {
  /** Middleware before every route: the session library. */
  middleware: RequestHandler[];
  /** Session operations for the shared routes; absent for the no-session references. */
  session?: SessionAdapter;
  /** The reference contenders' (baseline, raw pg) own `/read`. */
  read?: RequestHandler;
  /** A reference contender's own `/increment` (raw jsonb_set). */
  increment?: RequestHandler;
  /** A reference contender's own `/count`: `{ count }` of the session `/increment` changes. */
  count?: RequestHandler;
  /** Options and settings in effect, recorded with the results. */
  settings: Record<string, unknown>;
  close(): Promise<void>;
}

/** What every contender module receives. */
export interface ContenderOptions {
  /** The bench database, shared by every contender. */
  databaseUrl: string;
  /** Session secret (the same for everyone; sessionrow cookies are computed from it). */
  secret: string;
}

/** The signature every bench/contenders/*.ts module exports as `createContender`. */
export type CreateContender = (options: ContenderOptions) => Promise<Contender>;
