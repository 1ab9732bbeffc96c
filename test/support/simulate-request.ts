import type { Session, SessionManager } from "../../src/index.js";

/**
 * Runs `handle` the way an adapter does (load, handle, commit) and returns the token the client
 * holds afterwards: the new one if issued, `null` if cleared, else the one it sent.
 */
export async function simulateRequest<Data extends object, TUser, TUserId extends string | number>(
  manager: SessionManager<Data, TUser, TUserId>,
  token: string | null,
  handle: (session: Session<Data, TUser, TUserId>) => unknown = () => undefined,
): Promise<string | null> {
  const session = await manager.load(token);
  await handle(session);
  const action = await manager.commit(session);
  if (action.type === "set") return action.token;
  if (action.type === "clear") return null;
  return token;
}
