import { createHash } from "node:crypto";
import type { Request } from "express";
import { CookieTransport } from "../../src/transports/cookie-transport.js";

/** The name of sessionrow's cookie with default options (`__Host-sessionrow`), as every sessionrow contender sets it. */
export const SESSIONROW_COOKIE = new CookieTransport().name;

const TOKEN_IN_COOKIE = new RegExp(`(?:^|;\\s*)${SESSIONROW_COOKIE}=([^.;]+)`);

/**
 * The stored id of the session a request's sessionrow cookie names (SHA-256 of its token), for the
 * reference contenders: no signature check, no expiry logic.
 */
export function referenceSessionId(req: Request): string {
  const token = TOKEN_IN_COOKIE.exec(req.headers.cookie ?? "")?.[1] ?? "";
  return createHash("sha256").update(token).digest("hex");
}
