import type { Session } from "./session.js";

/**
 * Register your manager once to type `req.session` / `request.session` (data and user) across the
 * app, in every framework adapter:
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

/** The session of a manager type: `SessionOf<typeof sessions>`. */
export type SessionOf<M> = M extends { load(...args: never[]): Promise<infer S> }
  ? S extends Session<infer Data, infer TUser, infer TUserId>
    ? Session<Data, TUser, TUserId>
    : Session
  : Session;

/** The type of a request's session: the registered manager's session, else an untyped session. */
export type RequestSession = Register extends { sessionManager: infer M } ? SessionOf<M> : Session;
