import { Controller, Get, Header, HttpCode, Module, Param, Post, Redirect, type INestApplication } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import { FastifyAdapter } from "@nestjs/platform-fastify";
import type { RequestSession } from "../../../src/index.js";
import { Session, SessionModule } from "../../../src/nest.js";
import type { StartAdapter, SuiteManager } from "./adapter-server.js";

@Controller()
class SuiteController {
  @Post("login/:id")
  @Redirect("/me", 303)
  async login(@Param("id") id: string, @Session() session: RequestSession): Promise<void> {
    await session.setUser(Number(id));
  }

  @Get("me")
  me(@Session() session: RequestSession): { userId: unknown } {
    return { userId: session.userId };
  }

  @Get("set/:key")
  set(@Param("key") key: string, @Session() session: RequestSession): { ok: boolean } {
    session.set(key, true);
    return { ok: true };
  }

  @Get("decorated")
  @Header("Cache-Control", "public, max-age=600")
  @Header("Set-Cookie", "remember=1; Path=/")
  @Header("Location", "/elsewhere")
  decorated(@Session() session: RequestSession): { ok: boolean } {
    session.set("decorated", true);
    return { ok: true };
  }

  @Get("keys")
  keys(@Session() session: RequestSession): string[] {
    return session.keys().sort();
  }

  @Post("logout")
  @HttpCode(200)
  async logout(@Session() session: RequestSession): Promise<{ ok: boolean }> {
    await session.destroy();
    return { ok: true };
  }
}

function suiteModule(manager: SuiteManager) {
  @Module({ imports: [SessionModule.forRoot({ manager })], controllers: [SuiteController] })
  class SuiteModule {}
  return SuiteModule;
}

async function listen(app: INestApplication) {
  await app.listen(0, "127.0.0.1");
  return { url: (await app.getUrl()).replace("[::1]", "127.0.0.1"), close: () => app.close() };
}

export const startNestExpress: StartAdapter = async (manager) =>
  listen(await NestFactory.create(suiteModule(manager), { logger: false }));

export const startNestFastify: StartAdapter = async (manager) =>
  listen(await NestFactory.create(suiteModule(manager), new FastifyAdapter(), { logger: false }));
