import type { Response } from "supertest";

/** The `name=value` of the session cookie a response sets; throws when it sets none. */
export function sessionCookie(response: Response, name = "__Host-sessionrow"): string {
  const cookies = response.headers["set-cookie"] as unknown as string[] | undefined;
  const cookie = cookies?.find((c) => c.startsWith(`${name}=`));
  if (!cookie) throw new Error(`no ${name} cookie in ${JSON.stringify(response.headers)}`);
  return cookie.split(";")[0]!;
}
