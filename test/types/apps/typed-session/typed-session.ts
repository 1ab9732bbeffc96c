// Type-level test, checked by `npm run typecheck`: an app declares its session data and its manager
// once, and gets typed `req.session` in Express and typed `@Session()` / `@CurrentUser()` in Nest,
// with `user()` typed as the generated Prisma `User` and no casts. Written as app code would be.
import { Controller, Get, Post } from "@nestjs/common";
import express from "express";
import { SessionManager, type RequestSession, type Session as SessionOf, type SessionData } from "sessionrow";
import { CurrentUser, RequireUser, Session, type RequestUser } from "sessionrow/nest";
import type { PrismaClient, User } from "../../../../generated/prisma/client.js";

declare const prisma: PrismaClient;

export const sessions = SessionManager.fromPrisma(prisma, { secret: process.env.SESSION_SECRET! });

declare module "sessionrow" {
  interface SessionData {
    views: number;
    cart: string[];
  }
  interface Register {
    sessionManager: typeof sessions;
  }
}

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | undefined {
  return undefined;
}

assertType<Equal<RequestUser, User>>();
assertType<Equal<RequestSession, SessionOf<SessionData, User, number>>>();
// Where the manager is not a value (Nest's forRoot builds it), register the explicit type: the same type.
assertType<Equal<typeof sessions, SessionManager<SessionData, User, number>>>();

// Express: req.session is the registered manager's session.
const app = express();
app.use(sessions.express());
app.get("/", async (req, res) => {
  const user = await req.session.user();
  assertType<Equal<typeof user, User | null>>();
  assertType<Equal<typeof req.session.userId, number | null>>();
  const views = req.session.update("views", (n = 0) => n + 1);
  assertType<Equal<typeof views, number | undefined>>();
  req.session.data.cart ??= [];
  req.session.data.cart.push("apple");
  // @ts-expect-error views is declared a number
  req.session.set("views", "many");
  const counted = req.session.increment("views");
  assertType<Equal<typeof counted, number>>();
  req.session.increment("undeclared", 2);
  // @ts-expect-error the cart is no number
  req.session.increment("cart");
  // @ts-expect-error the cart holds strings
  req.session.data.cart.push(42);
  // @ts-expect-error User.id is an Int: a string id cannot log in
  await req.session.setUser("ada");
  res.json({ user: user?.email, views });
});

// Nest: the parameters are annotated with the same registered types.
@Controller()
export class AccountController {
  @Get("me")
  me(@CurrentUser() user: RequestUser | null): { email: string | null } {
    return { email: user?.email ?? null };
  }

  @RequireUser()
  @Post("cart")
  addToCart(@Session() session: RequestSession, @CurrentUser() user: RequestUser): string[] {
    const cart = session.update("cart", (items = []) => [...items, `${user.name}'s item`]) ?? [];
    // @ts-expect-error the cart holds strings
    session.set("cart", [1]);
    return cart;
  }
}
