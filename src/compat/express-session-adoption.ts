import { parse, serialize } from "cookie";
import { unsign } from "cookie-signature";
import type { LoadOptions } from "../load-options.js";
import type { Session } from "../session.js";
import type { SessionLifecycle } from "../session-lifecycle.js";
import type { UserId } from "../session-store.js";
import { headerValues, type RequestHeaders, type ResponseHeader } from "../transports/request-headers.js";
import { EXPRESS_SESSION_NAMESPACE } from "./express-session-layout.js";

/** How to recognise the express-session cookie of an app that moves to sessionrow's own middleware. */
export interface ExpressSessionAdoption {
  /** The `secret` express-session signed its cookie with (several while it rotates them). */
  secret: string | readonly string[];
  /**
   * The name of express-session's cookie.
   * @default "connect.sid"
   */
  name?: string;
  /**
   * The path express-session's cookie was set with, to clear it.
   * @default "/"
   */
  path?: string;
  /** The domain express-session's cookie was set with, if any, to clear it. */
  domain?: string;
  /**
   * Whether express-session's cookie was Secure, to clear it.
   * @default false
   */
  secure?: boolean;
}

/**
 * The session behind a valid express-session cookie, when `sessions.expressSessionStore()` stored it:
 * it becomes a native session under a new token (the express-session id, which its cookie held in
 * plain text, stops working), and the response clears the old cookie. `null` when the cookie is
 * missing, forged, or names no live session.
 */
export async function adoptExpressSession<Data extends object, TUser, TUserId extends UserId>(
  manager: SessionLifecycle<Data, TUser, TUserId>,
  headers: RequestHeaders,
  adoption: ExpressSessionAdoption,
  options: LoadOptions,
): Promise<{ session: Session<Data, TUser, TUserId>; headers: ResponseHeader[] } | null> {
  const name = adoption.name ?? "connect.sid";
  const sid = expressSessionId(headers, name, typeof adoption.secret === "string" ? [adoption.secret] : adoption.secret);
  if (sid === null) return null;
  const session = await manager.loadUnsigned(sid, options);
  if (session.isNew) return null;
  session.regenerate();
  session.namespace(EXPRESS_SESSION_NAMESPACE).clear();
  const clear = serialize(name, "", {
    path: adoption.path ?? "/",
    expires: new Date(0),
    httpOnly: true,
    secure: adoption.secure ?? false,
    ...(adoption.domain === undefined ? {} : { domain: adoption.domain }),
  });
  return { session, headers: [["Set-Cookie", clear]] };
}

/** The session id in a signed express-session cookie (`s:<id>.<signature>`), or `null`. */
function expressSessionId(headers: RequestHeaders, name: string, secrets: readonly string[]): string | null {
  for (const header of headerValues(headers, "cookie")) {
    const value = parse(header)[name];
    if (value === undefined || !value.startsWith("s:")) continue;
    for (const secret of secrets) {
      const sid = unsign(value.slice(2), secret);
      if (sid !== false) return sid;
    }
  }
  return null;
}
