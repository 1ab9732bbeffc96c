// Type-level test, checked by `npm run typecheck` (tsc): with TypeORM, `user()` is the app's User entity class, no casts.
import type { DataSource } from "typeorm";
import { SessionManager } from "../../src/index.js";
import { createSessionEntity, type SessionEntity } from "../../src/typeorm.js";
import { Account, User } from "../support/typeorm.js";

/** Mutually assignable: the same type for every practical purpose. */
type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
function assertType<T extends true>(): T | undefined {
  return undefined;
}

export async function typedTypeORMUsers(dataSource: DataSource): Promise<void> {
  const sessions = SessionManager.fromTypeORM(dataSource, { userEntity: User, secret: "x".repeat(32) });
  const session = await sessions.load(undefined);
  const user = await session.user();
  assertType<Equal<typeof user, User | null>>();
  assertType<Equal<typeof session.userId, number | null>>();
  if (user) {
    const email: string = user.email;
    void email;
  }
  // @ts-expect-error the user id of the int-keyed User entity is a number
  await session.setUser("not-a-number");

  const accounts = SessionManager.fromTypeORM<{ theme: string }, typeof Account>(dataSource, { userEntity: Account, secret: "x".repeat(32) });
  const accountSession = await accounts.load(undefined);
  assertType<Equal<Awaited<ReturnType<typeof accountSession.user>>, Account | null>>();
  assertType<Equal<typeof accountSession.userId, string | null>>();
  assertType<Equal<ReturnType<typeof accountSession.get<"theme">>, string | undefined>>();

  const untyped = SessionManager.fromTypeORM(dataSource, { secret: "x".repeat(32) });
  assertType<Equal<Awaited<ReturnType<(typeof untyped)["load"]>> extends { user(): Promise<infer U> } ? U : never, unknown>>();

  const Session = createSessionEntity(User);
  const row: SessionEntity<User> = new Session();
  assertType<Equal<typeof row.userId, number | null>>();
  assertType<Equal<typeof row.user, User | null | undefined>>();
}
