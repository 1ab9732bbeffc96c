import { randomUUID } from "node:crypto";
import { SessionManager, type TokenAction } from "../../src/index.js";
import { PrismaStore } from "../../src/prisma.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";
import { TelemetryRecorder } from "../support/telemetry-recorder.js";
import { jsonOf, runCli } from "./run-cli.js";

const SECRET = "a-test-secret-of-at-least-thirty-two-characters";
const HOUR = 3_600_000;

interface Stats {
  total: number;
  active: number;
  expired: number;
  activeWithUser: number;
  activeAnonymous: number;
}

function tokenOf(action: TokenAction): string {
  if (action.type !== "set") throw new Error(`expected a token to set, got ${action.type}`);
  return action.token;
}

describe("OpenTelemetry metrics agree with `sessionrow stats` on PostgreSQL", () => {
  let database: TestDatabase;
  let recorder: TelemetryRecorder;

  beforeAll(async () => {
    database = await createTestDatabase();
    recorder = new TelemetryRecorder();
  });

  afterAll(async () => {
    await recorder?.shutdown();
    await database?.drop();
  });

  it("after logins, logouts, a destroy, a revoke, an expiry and a prune, the counters add up to the stored rows the CLI counts", async () => {
    let now = Date.now() - 2 * HOUR;
    const manager = new SessionManager<Record<string, unknown>, unknown, number>(new PrismaStore<number>(database.prisma), {
      secret: SECRET,
      idleTimeout: "30m",
      clock: { now: () => now },
      telemetry: { tracer: recorder.tracer, meter: recorder.meter },
    });
    const users = await Promise.all(
      ["ada", "grace", "edsger"].map(async (name) => (await database.prisma.user.create({ data: { email: `${name}-${randomUUID()}@example.com`, name } })).id),
    );
    const login = async (userId: number) => {
      const session = manager.create();
      await session.setUser(userId);
      return tokenOf(await manager.commit(session));
    };
    const anonymous = async () => {
      const session = manager.create();
      session.set("theme", "dark");
      return tokenOf(await manager.commit(session));
    };

    // Two hours ago: sessions that have expired by now (idle timeout 30 minutes).
    const oldTokens = [await login(users[0]!), await login(users[1]!), await anonymous(), await anonymous()];
    now = Date.now();
    const adaToken = await login(users[0]!);
    await login(users[1]!);
    await login(users[2]!);
    const doomed = await anonymous();
    await anonymous();
    // Now: Grace is logged in; Ada logged out (her session lives on, anonymous); Edsger's is revoked.
    const adaSession = await manager.load(adaToken);
    adaSession.clearUser();
    await manager.commit(adaSession);
    await (await manager.load(doomed)).destroy();
    expect(await manager.revokeForUser(users[2]!)).toBe(1);
    // A visit with an expired token finds the row expired and deletes it.
    expect((await manager.load(oldTokens[2]!)).get("theme")).toBeUndefined();

    const cli = async () => jsonOf<Stats>(await runCli(["--database-url", database.url, "stats", "--json"]));
    const count = (name: string, attributes = {}) => recorder.counter(name, attributes);
    const before = await cli();
    const [created, destroyed, revoked, expired, logins, logouts] = await Promise.all(
      ["created", "destroyed", "revoked", "expired"].map((name) => count(`sessionrow.session.${name}`)).concat([count("sessionrow.login"), count("sessionrow.logout")]),
    );
    expect({ created, destroyed, revoked, expired, logins, logouts }).toEqual({ created: 9, destroyed: 1, revoked: 1, expired: 1, logins: 5, logouts: 1 });
    expect(before).toMatchObject({ total: created! - destroyed! - revoked! - expired!, expired: 3, active: 3, activeWithUser: 1, activeAnonymous: 2 });

    expect(await manager.prune()).toBe(3);
    const after = await cli();
    const pruned = await count("sessionrow.session.pruned");
    expect(pruned).toBe(before.expired);
    expect(after).toMatchObject({ total: created! - destroyed! - revoked! - expired! - pruned, expired: 0, active: before.active });

    const insert = recorder.spans().find((span) => span.name.startsWith("insert"));
    expect(insert).toMatchObject({
      name: "insert Session",
      attributes: { "db.system.name": "postgresql", "db.collection.name": "Session", "db.operation.name": "insert" },
    });
  });
});
