// Type-level test, checked by `npm run typecheck` (tsc): `user()` is the generated Prisma type, no casts.
import { SessionManager } from "../../src/index.js";
import type { Account, User } from "../../generated/prisma/client.js";
import type { PrismaClient } from "../../generated/prisma/client.js";

/** Mutually assignable: the same type for every practical purpose. */
type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
function assertType<T extends true>(): T | undefined {
  return undefined;
}

export async function typedUsers(prisma: PrismaClient): Promise<void> {
  const sessions = SessionManager.fromPrisma(prisma, { secret: "x".repeat(32) });
  const session = await sessions.load(undefined);
  const user = await session.user();
  assertType<Equal<typeof user, User | null>>();
  assertType<Equal<typeof session.userId, number | null>>();
  if (user) {
    const email: string = user.email;
    void email;
  }
  // @ts-expect-error the user id of the Int-keyed User model is a number
  await session.setUser("not-a-number");

  const accounts = SessionManager.fromPrisma(prisma, { secret: "x".repeat(32), userModel: "account", sessionModel: "accountSession" });
  const accountSession = await accounts.load(undefined);
  assertType<Equal<Awaited<ReturnType<typeof accountSession.user>>, Account | null>>();
  assertType<Equal<typeof accountSession.userId, string | null>>();

  const typed = SessionManager.fromPrisma<{ views: number }, PrismaClient>(prisma, { secret: "x".repeat(32) });
  const typedSession = await typed.load(undefined);
  const views: number | undefined = typedSession.get("views");
  void views;
  // @ts-expect-error views is a number
  typedSession.set("views", "many");
  // @ts-expect-error unknown key
  typedSession.get("nope");
  assertType<Equal<Awaited<ReturnType<typeof typedSession.user>>, User | null>>();
}
