import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req, UseGuards } from "@nestjs/common";
import type { RequestSession } from "../../src/express/request-session.js";
import type { SessionManager } from "../../src/index.js";
import { CurrentUser, InjectSessionManager, RequireUser, Session, SessionAuthGuard } from "../../src/nest.js";

/** The user row both test apps have (Prisma's has a `name` too). */
export interface TestUser {
  id: number;
  email: string;
}

/** What the test apps need from their ORM: find a user by email. */
export interface UserLookup {
  findByEmail(email: string): Promise<TestUser>;
}

/** Injection token of the {@link UserLookup}. */
export const USER_LOOKUP = Symbol("UserLookup");

/** The controller both Nest e2e apps (Prisma and TypeORM) serve: login, typed user, guard, logout, data. */
@Controller()
export class SessionTestController {
  constructor(
    @Inject(USER_LOOKUP) private readonly users: UserLookup,
    @InjectSessionManager() private readonly sessions: SessionManager<Record<string, unknown>, TestUser, number>,
  ) {}

  @Post("login")
  @HttpCode(204)
  async login(@Body() body: { email: string }, @Session() session: RequestSession): Promise<void> {
    await session.setUser(await this.users.findByEmail(body.email));
  }

  @Get("me")
  me(@CurrentUser() user: TestUser | null): { user: TestUser | null } {
    return { user };
  }

  @RequireUser()
  @Get("account")
  account(@CurrentUser() user: TestUser): TestUser {
    return user;
  }

  @UseGuards(SessionAuthGuard)
  @Get("account/sessions")
  async accountSessions(@Session() session: RequestSession): Promise<{ ids: string[]; current: string }> {
    const records = await this.sessions.listForUser(session.userId as number);
    return { ids: records.map((record) => record.id), current: session.id };
  }

  @Post("cart/:item")
  addToCart(@Param("item") item: string, @Session() session: RequestSession): { cart: unknown } {
    return { cart: session.update("cart", (cart) => [...((cart as string[] | undefined) ?? []), item]) };
  }

  @Get("cart")
  cart(@Session() session: RequestSession): { cart: unknown } {
    return { cart: session.get("cart") ?? [] };
  }

  @Post("logout")
  @HttpCode(204)
  async logout(@Session() session: RequestSession): Promise<void> {
    await session.destroy();
  }

  @Get("health")
  health(@Req() req: { session?: unknown }): { session: boolean } {
    return { session: req.session !== undefined };
  }
}
