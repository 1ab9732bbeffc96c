import { Controller, Get, Post } from "@nestjs/common";
import { ConflictError, SessionManager, type RequestSession } from "sessionrow";
import { CurrentUser, RequireUser, Session } from "sessionrow/nest";
import { DataSource } from "typeorm";
import { User } from "./user.entity";

@Controller()
export class AccountController {
  // Injected by their types (emitDecoratorMetadata): SessionManager from "sessionrow" is the token
  // SessionModule (from "sessionrow/nest") provides.
  constructor(
    private readonly sessions: SessionManager<{ views: number }, User, number>,
    private readonly dataSource: DataSource,
  ) {}

  @Post("login")
  async login(@Session() session: RequestSession): Promise<{ ok: true }> {
    await session.setUser(await this.dataSource.getRepository(User).save({ email: "ada@example.com" }));
    session.set("views", 1);
    return { ok: true };
  }

  @RequireUser()
  @Get("me")
  async me(@CurrentUser() user: User, @Session() session: RequestSession): Promise<object> {
    const active = await this.sessions.listForUser(user.id);
    return { email: user.email, views: session.get("views"), sessions: active.length };
  }

  @Get("conflict")
  conflict(): never {
    throw new ConflictError("A parallel request changed the session");
  }
}
