import { TokenSigner } from "../src/token.js";
import { SESSIONROW_COOKIE } from "./contenders/reference-session-id.js";
import type { RunningContender } from "./contender-client.js";
import { bulkToken } from "./database.js";

/** Logs user `userId` in on a contender (`POST /login`) and returns the session cookie it set (`name=value`). */
export async function login(contender: RunningContender, userId: number): Promise<string> {
  const response = await fetch(`${contender.url}/login?user=${userId}`, { method: "POST" });
  if (!response.ok) throw new Error(`${contender.name}: POST /login answered ${response.status}: ${await response.text()}`);
  const cookie = response.headers.getSetCookie()[0]?.split(";")[0];
  if (!cookie) throw new Error(`${contender.name}: POST /login set no cookie`);
  return cookie;
}

/** Logs in users 1..count, one session each. */
export function loginMany(contender: RunningContender, count: number): Promise<string[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => login(contender, i + 1)));
}

/** GETs `path` with `cookie` and returns the JSON body. */
export async function getJson(contender: RunningContender, path: string, cookie: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${contender.url}${path}`, { headers: { cookie } });
  if (!response.ok) throw new Error(`${contender.name}: GET ${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

/** sessionrow cookies for bulk-inserted sessions (see loadSessions), signed with the bench secret. */
export function bulkSessionCookies(secret: string): (n: number) => string {
  const signer = new TokenSigner([secret]);
  return (n) => `${SESSIONROW_COOKIE}=${signer.sign(bulkToken(n))}`;
}
