import { sessionState } from "../../src/session.js";
import type { Session, SessionManager } from "../../src/index.js";

/**
 * Runs `handle` the way the middleware does (load, handle, commit) and returns the token the client
 * holds afterwards: the new one if issued, `null` if cleared, else the one it sent.
 */
export async function simulateRequest<Data extends object, TUser, TUserId extends string | number>(
  manager: SessionManager<Data, TUser, TUserId>,
  token: string | null,
  handle: (session: Session<Data, TUser, TUserId>) => unknown = () => undefined,
): Promise<string | null> {
  const session = await manager.load(token);
  await handle(session);
  await manager.commit(session);
  const state = sessionState(session);
  if (state.tokenIssued) return manager.signedToken(session);
  if (state.tokenCleared && !state.stored) return null;
  return token;
}
