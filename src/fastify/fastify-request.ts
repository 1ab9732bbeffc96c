import type { RequestSession } from "../register.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The request's session, loaded by the sessionrow plugin (typed by `Register`). */
    session: RequestSession;
  }
}
