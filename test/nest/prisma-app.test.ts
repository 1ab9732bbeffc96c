import { Global, Module, type DynamicModule, type INestApplication } from "@nestjs/common";
import { Test } from "@nestjs/testing";
import { PrismaPg } from "@prisma/adapter-pg";
import request from "supertest";
import { PrismaClient } from "../../generated/prisma/client.js";
import { SessionManager } from "../../src/index.js";
import { InjectSessionManager, SessionModule } from "../../src/nest.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";
import { SessionTestController, USER_LOOKUP, type UserLookup } from "./nest-app.js";
import { describeNestSessionApp } from "./nest-app-scenarios.js";
import { sessionCookie } from "./session-cookie.js";

const secret = "fF_Fv8YMiOB3dEbXWQoYYE223HgHmBcjgFXqTUqpBLc";
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.prisma.user.createMany({
    data: [
      { email: "ada@example.com", name: "Ada" },
      { email: "grace@example.com", name: "Grace" },
    ],
  });
});
afterAll(async () => {
  await db?.drop();
});

/** The app's own Prisma module, as a Nest app has it: a global provider of the client. */
@Global()
@Module({
  providers: [
    { provide: PrismaClient, useFactory: () => db.prisma },
    {
      provide: USER_LOOKUP,
      inject: [PrismaClient],
      useFactory: (prisma: PrismaClient): UserLookup => ({
        findByEmail: (email) => prisma.user.findUniqueOrThrow({ where: { email } }),
      }),
    },
  ],
  exports: [PrismaClient, USER_LOOKUP],
})
class PrismaModule {}

async function createApp(sessionModule: DynamicModule): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [PrismaModule, sessionModule],
    controllers: [SessionTestController],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

describeNestSessionApp("NestJS app on Prisma and PostgreSQL (SessionModule.forRootAsync)", async () => {
  const app = await createApp(
    SessionModule.forRootAsync({
      inject: [PrismaClient],
      useFactory: (prisma: PrismaClient) => ({ prisma, secret }),
    }),
  );
  return {
    app,
    sessionIds: async () => (await db.prisma.session.findMany({ select: { id: true } })).map((row) => row.id),
    userId: async (email) => (await db.prisma.user.findUniqueOrThrow({ where: { email } })).id,
    close: () => app.close(),
  };
});

describe("SessionModule options", () => {
  it("forRoot uses a given manager, injected by @InjectSessionManager() in other modules", async () => {
    const manager = SessionManager.fromPrisma(db.prisma, { secret });
    class Probe {
      constructor(@InjectSessionManager() readonly sessions: SessionManager) {}
    }
    @Module({ providers: [Probe], exports: [Probe] })
    class FeatureModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [PrismaModule, SessionModule.forRoot({ manager }), FeatureModule],
      controllers: [SessionTestController],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    try {
      expect(app.get(Probe).sessions).toBe(manager);
      const cookie = sessionCookie(await request(app.getHttpServer()).post("/login").send({ email: "ada@example.com" }));
      expect((await request(app.getHttpServer()).get("/account").set("Cookie", cookie)).body.name).toBe("Ada");
    } finally {
      await app.close();
    }
  });

  it("skips the routes in exclude; @Session() there is a configuration error", async () => {
    const app = await createApp(SessionModule.forRoot({ prisma: db.prisma, secret, exclude: ["health", "cart"] }));
    try {
      expect((await request(app.getHttpServer()).get("/health")).body).toEqual({ session: false });
      const cart = await request(app.getHttpServer()).get("/cart");
      expect(cart.status).toBe(500);
      expect(cart.body).toEqual({ statusCode: 500, code: "SESSION_CONFIG_INVALID", message: "Internal Server Error" });
    } finally {
      await app.close();
    }
  });

  it("answers session errors with their status: 503 when the database fails, 409 on a conflict", async () => {
    const manager = SessionManager.fromPrisma(db.prisma, { secret, conflict: "error" });
    const app = await createApp(SessionModule.forRoot({ manager }));
    try {
      const cookie = sessionCookie(await request(app.getHttpServer()).post("/cart/fig"));
      const load = manager.store.load.bind(manager.store);
      manager.store.load = () => Promise.reject(new Error("connection terminated"));
      const down = await request(app.getHttpServer()).get("/cart").set("Cookie", cookie);
      expect(down.status).toBe(503);
      expect(down.body).toEqual({ statusCode: 503, code: "SESSION_STORE_UNAVAILABLE", message: "Service Unavailable" });
      manager.store.load = load;
      manager.store.updateIfVersion = async () => false;
      const conflict = await request(app.getHttpServer()).post("/cart/kiwi").set("Cookie", cookie);
      expect(conflict.status).toBe(409);
      expect(conflict.body).toMatchObject({ statusCode: 409, code: "SESSION_CONFLICT" });
    } finally {
      await app.close();
    }
  });

  it("fails at startup when the options name no store", async () => {
    const compiling = Test.createTestingModule({ imports: [SessionModule.forRoot({ secret } as never)] }).compile();
    await expect(compiling).rejects.toMatchObject({ code: "SESSION_CONFIG_INVALID" });
  });
});

describe("SessionModule shutdown", () => {
  it("leaves the app's Prisma client connected", async () => {
    const app = await createApp(SessionModule.forRoot({ prisma: db.prisma, secret }));
    await app.close();
    await expect(db.prisma.user.count()).resolves.toBe(2);
  });

  it("disconnects a client created for it with closeClientOnShutdown", async () => {
    const own = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url }) });
    const disconnect = jest.spyOn(own, "$disconnect");
    const app = await createApp(
      SessionModule.forRootAsync({ useFactory: () => ({ prisma: own, secret, closeClientOnShutdown: true }) }),
    );
    const cookie = sessionCookie(await request(app.getHttpServer()).post("/cart/plum"));
    expect((await request(app.getHttpServer()).get("/cart").set("Cookie", cookie)).body).toEqual({ cart: ["plum"] });
    await app.close();
    expect(disconnect).toHaveBeenCalledTimes(1);
  });
});
