import type { RequestSession } from "../register.js";

export type { Register, RequestSession } from "../register.js";

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The request's session, loaded by the sessionrow middleware. */
      session: RequestSession;
    }
  }
}
