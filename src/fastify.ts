/**
 * Fastify integration: the {@link fastifySessions} plugin (`request.session`, saved before the reply
 * is sent). Loads Fastify only through your app.
 * @module sessionrow/fastify
 */
export { fastifySessions } from "./fastify/fastify-sessions.js";
export type { FastifySessionOptions } from "./fastify/fastify-sessions.js";
export type { Register, RequestSession, SessionOf } from "./register.js";
