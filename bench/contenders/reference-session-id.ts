import { createHash } from "node:crypto";
import type { Request } from "express";

/**
 * The stored id of the session a request's sessionrow cookie names (SHA-256 of its token), for the
 * reference contenders: no signature check, no expiry logic.
 */
export function referenceSessionId(req: Request): string {
  const token = /(?:^|;\s*)sessionrow=([^.;]+)/.exec(req.headers.cookie ?? "")?.[1] ?? "";
  return createHash("sha256").update(token).digest("hex");
}
