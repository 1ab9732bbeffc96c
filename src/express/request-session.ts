import type { Session } from "../session.js";

/**
 * Register your manager once to type `req.session` (data and user) across the app:
 *
 * @example
 * ```ts
 * declare module "sessionrow" {
 *   interface Register { sessionManager: typeof sessions }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface Register {}

/** The type of `req.session`: the registered manager's session, else an untyped session. */
export type RequestSession = Register extends { sessionManager: { load(...args: never[]): Promise<infer S> } }
  ? S extends Session<infer Data, infer TUser, infer TUserId>
    ? Session<Data, TUser, TUserId>
    : Session
  : Session;

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The request's session, loaded by the sessionrow middleware. */
      session: RequestSession;
    }
  }
}
