import { randomUUID } from "node:crypto";
import { SessionManager } from "../../src/index.js";
import { PrismaStore } from "../../src/prisma.js";

/** The User and Account delegates of a generated client (PostgreSQL or MySQL). */
export interface SeedClient {
  user: { create(args: { data: { email: string; name: string } }): PromiseLike<{ id: number }> };
  account: { create(args: { data: { id: string; email: string } }): PromiseLike<{ id: string }> };
}

/** What {@link seedSessions} stored, newest `lastSeenAt` first within each list. */
export interface SeededSessions {
  alice: number;
  bob: number;
  /** Alice's three active sessions; the first one (seen last) holds data. */
  aliceSessions: string[];
  bobSessions: string[];
  anonymousSessions: string[];
  /** Expired rows: one of Alice's, one of Bob's, two anonymous. */
  expiredSessions: string[];
  /** The data of `aliceSessions[0]`. */
  richData: Record<string, unknown>;
}

const SECRET = "a-test-secret-of-at-least-thirty-two-characters";
const MINUTE = 60_000;

/**
 * Seeds sessions through the SessionManager, as an app would: active ones (idle timeout one day) seen
 * a few minutes ago, each at a different minute so that listings have one order, and expired ones.
 */
export async function seedSessions(client: SeedClient, options: { sessionModel?: string; userModel?: string } = {}): Promise<SeededSessions> {
  const alice = (await client.user.create({ data: { email: `alice-${randomUUID()}@example.com`, name: "Alice" } })).id;
  const bob = (await client.user.create({ data: { email: `bob-${randomUUID()}@example.com`, name: "Bob" } })).id;
  const richData = { views: 3, cart: [{ sku: "tea", quantity: 2 }], greeting: "héllo ✓" };
  let minutesAgo = 20;
  const add = async (userId: number | null, data: Record<string, unknown>, ageMinutes = minutesAgo--, idleTimeout = "1d") => {
    const clock = { now: () => Date.now() - ageMinutes * MINUTE };
    const manager = new SessionManager<Record<string, unknown>, unknown, number>(new PrismaStore<number>(client, options), {
      secret: SECRET,
      idleTimeout,
      clock,
    });
    const session = manager.create({ ipAddress: "203.0.113.7", userAgent: "curl/8.5 (cli test)" });
    if (userId !== null) await session.setUser(userId);
    for (const [key, value] of Object.entries(data)) session.set(key, value);
    await manager.commit(session);
    return session.id;
  };
  const expiredSessions = [
    await add(alice, { old: true }, 3 * 24 * 60, "30m"),
    await add(bob, { old: true }, 2 * 24 * 60, "30m"),
    await add(null, { old: true }, 90, "30m"),
    await add(null, { old: true }, 45, "30m"),
  ];
  const anonymousSessions = [await add(null, { theme: "dark" }), await add(null, { theme: "light" })].reverse();
  const bobSessions = [await add(bob, { views: 1 })];
  const aliceSessions = [await add(alice, {}), await add(alice, {}), await add(alice, richData)].reverse();
  return { alice, bob, aliceSessions, bobSessions, anonymousSessions, expiredSessions, richData };
}

/**
 * Seeds `count` anonymous sessions that expired an hour ago, through the SessionManager, a few at a
 * time in parallel.
 */
export async function seedExpiredSessions(client: SeedClient, count: number): Promise<void> {
  const clock = { now: () => Date.now() - 2 * 60 * MINUTE };
  const manager = new SessionManager(new PrismaStore(client), { secret: SECRET, idleTimeout: "1h", clock });
  const parallel = 25;
  for (let start = 0; start < count; start += parallel) {
    await Promise.all(
      Array.from({ length: Math.min(parallel, count - start) }, async (_, offset) => {
        const session = manager.create();
        session.set("n", start + offset);
        await manager.commit(session);
      }),
    );
  }
}

/**
 * Seeds an Account whose string id is all digits, with one active session in AccountSession: the
 * CLI must read `--user 00042` as a string there, not as the number 42.
 */
export async function seedAccountSession(client: SeedClient): Promise<{ accountId: string; sessionId: string }> {
  const accountId = "00042";
  await client.account.create({ data: { id: accountId, email: `account-${randomUUID()}@example.com` } });
  const store = new PrismaStore<string>(client, { sessionModel: "accountSession", userModel: "account" });
  const manager = new SessionManager<Record<string, unknown>, unknown, string>(store, { secret: SECRET });
  const session = manager.create();
  await session.setUser(accountId);
  await manager.commit(session);
  return { accountId, sessionId: session.id };
}

/** A User-Agent and data that would drive a terminal if printed raw: ESC, a one-byte CSI, a bidi override. */
export const HOSTILE_TEXT = "evil\u001b]0;owned\u0007\u001b[2J\u009b31m\u202egnp.exe\u007f";

/** Seeds one active session whose User-Agent and data hold {@link HOSTILE_TEXT}. */
export async function seedHostileSession(client: SeedClient): Promise<string> {
  const manager = new SessionManager(new PrismaStore(client), { secret: SECRET });
  const session = manager.create({ ipAddress: "203.0.113.9", userAgent: HOSTILE_TEXT });
  session.set("note", HOSTILE_TEXT);
  await manager.commit(session);
  return session.id;
}
