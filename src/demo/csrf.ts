import { randomBytes, timingSafeEqual } from "node:crypto";
import type { DemoSession } from "./demo-session.js";

/** The form field every POST carries the token in. */
export const CSRF_FIELD = "_csrf";

/**
 * The session's synchronizer token, created on first use. Every form embeds it and every POST must
 * send it back: SameSite=Lax cookies still ride along on top-level cross-site navigations and from
 * sibling subdomains, so they alone do not stop a forged form.
 */
export function csrfToken(session: DemoSession): string {
  return session.get("csrfToken") ?? rotateCsrfToken(session);
}

/** Replaces the token, e.g. on login, so a token seen before authentication is worthless after it. */
export function rotateCsrfToken(session: DemoSession): string {
  const token = randomBytes(32).toString("base64url");
  session.set("csrfToken", token);
  return token;
}

/** Whether `sent` is the session's token (constant-time comparison). */
export function isValidCsrfToken(session: DemoSession, sent: unknown): boolean {
  const expected = session.get("csrfToken");
  if (typeof expected !== "string" || typeof sent !== "string") return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(sent);
  return a.length === b.length && timingSafeEqual(a, b);
}
