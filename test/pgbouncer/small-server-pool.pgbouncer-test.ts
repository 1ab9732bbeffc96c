import { randomUUID } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { DataSource, type DataSourceOptions } from "typeorm";
import { SessionManager } from "../../src/index.js";
import { PrismaClient } from "../../generated/prisma/client.js";
import { poolerConfig, poolerPool, poolerStats, poolerUrl, type PoolerPool } from "../support/pgbouncer.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";
import { simulateRequest } from "../support/simulate-request.js";
import { openTypeORM, sessionEntities, User, Account } from "../support/typeorm.js";

// 4 managers (2 on Prisma, 2 on TypeORM), each with a 50-connection client pool: 200 client connections to
// PgBouncer, which serves them with default_pool_size = 10 server connections (.ci/pgbouncer/pgbouncer.ini).
const APP_POOL_SIZE = 50;
const SERVER_POOL_SIZE = 10;
const SESSIONS_PER_ORM = 10;
const KEYS_PER_SESSION = 40;
const INCREMENTS_PER_SESSION = 40;
const READS_PER_SESSION = 20;
const secret = "kq0vW7yq3qk2Jf0cM5oRk9b1zq7Vx4L3pT8nA6sD2eG";

type Manager = SessionManager<Record<string, unknown>, { id: number }, number>;

let db: TestDatabase;
const prismaClients: PrismaClient[] = [];
const prismaPools: pg.Pool[] = [];
const dataSources: DataSource[] = [];

beforeAll(async () => {
  const pooler = poolerUrl();
  if (pooler === undefined) throw new Error("This suite runs through PgBouncer: run it with jest --config jest.pgbouncer.config.js");
  const config = await poolerConfig(pooler);
  expect([config.pool_mode, Number(config.default_pool_size)]).toEqual(["transaction", SERVER_POOL_SIZE]);
  db = await createTestDatabase();
  // TypeORM's migrations run through PgBouncer, as an app's start-up would: each runs in one transaction.
  await (await openTypeORM({ type: "postgres", url: db.url })).close();
  await db.prisma.$disconnect();
  for (let i = 0; i < 2; i++) {
    // The second client's pool is also sessionrow's { pool }: its statements go to it named (prepared).
    const pool = new pg.Pool({ connectionString: db.url, max: APP_POOL_SIZE, idleTimeoutMillis: 0 });
    prismaPools.push(pool);
    prismaClients.push(new PrismaClient({ adapter: new PrismaPg(pool) }));
    const dataSource = new DataSource({
      type: "postgres",
      url: db.url,
      entities: [User, Account, ...Object.values(sessionEntities("postgres"))],
      extra: { max: APP_POOL_SIZE, idleTimeoutMillis: 0 },
    } as DataSourceOptions);
    dataSources.push(await dataSource.initialize());
  }
}, 60_000);

afterAll(async () => {
  await Promise.all([...prismaClients.map((client) => client.$disconnect()), ...dataSources.map((dataSource) => dataSource.destroy())]);
  await Promise.all(prismaPools.map((pool) => pool.end()));
  await db?.drop();
});

/** Samples the test database's PgBouncer pool until `work` settles; returns the highest counts seen. */
async function whileSampling<T>(work: Promise<T>): Promise<{ result: T; peak: PoolerPool }> {
  const database = new URL(db.url).pathname.slice(1);
  const peak: PoolerPool = { clients: 0, servers: 0 };
  let done = false;
  const sampler = (async () => {
    while (!done) {
      const pool = await poolerPool(poolerUrl()!, database);
      peak.clients = Math.max(peak.clients, pool.clients);
      peak.servers = Math.max(peak.servers, pool.servers);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  try {
    return { result: await work, peak };
  } finally {
    done = true;
    await sampler;
  }
}

/** Logs in `SESSIONS_PER_ORM` users on `managers[0]` and returns [token, userId] pairs. */
async function loggedInSessions(managers: Manager[], createUser: () => Promise<number>): Promise<[string, number][]> {
  return Promise.all(
    Array.from({ length: SESSIONS_PER_ORM }, async () => {
      const userId = await createUser();
      const token = await simulateRequest(managers[0]!, null, (session) => session.setUser(userId));
      return [token!, userId] as [string, number];
    }),
  );
}

/**
 * Every request at once, alternating managers: distinct keys (each handler also runs an app query of
 * its own, holding a server connection 10 ms), increments of one counter, and reads of the user.
 */
function hammer(managers: Manager[], sessions: [string, number][], appQuery: (sql: string) => Promise<unknown>): Promise<number>[] {
  const requests: Promise<number>[] = [];
  sessions.forEach(([token, userId], s) => {
    const manager = (i: number) => managers[(i + s) % managers.length]!;
    for (let i = 0; i < KEYS_PER_SESSION; i++) {
      requests.push(
        simulateRequest(manager(i), token, async (session) => {
          await appQuery("SELECT pg_sleep(0.01)::text");
          session.set(`k${i}`, i);
        }).then(() => 1),
      );
    }
    for (let i = 0; i < INCREMENTS_PER_SESSION; i++) {
      requests.push(simulateRequest(manager(i), token, (session) => session.update("count", (n) => ((n as number | undefined) ?? 0) + 1)).then(() => 1));
    }
    for (let i = 0; i < READS_PER_SESSION; i++) {
      requests.push(
        manager(i)
          .load(token, { readOnly: true })
          .then(async (session) => ((await session.user())?.id === userId ? 1 : 0)),
      );
    }
  });
  return requests;
}

it(`loses nothing and deadlocks nowhere with ${4 * APP_POOL_SIZE} client connections over ${SERVER_POOL_SIZE} server connections`, async () => {
  const prismaManagers = prismaClients.map((client, i) => SessionManager.fromPrisma(client, { secret, ...(i === 1 ? { pool: prismaPools[i] } : {}) }) as unknown as Manager);
  const typeormManagers = dataSources.map((dataSource) => SessionManager.fromTypeORM(dataSource, { secret, userEntity: User }) as unknown as Manager);
  const prismaSessions = await loggedInSessions(prismaManagers, async () => (await prismaClients[0]!.user.create({ data: { email: `${randomUUID()}@example.com`, name: "U" } })).id);
  const typeormSessions = await loggedInSessions(typeormManagers, async () => (await dataSources[0]!.getRepository(User).save({ email: `${randomUUID()}@example.com` })).id);

  const database = new URL(db.url).pathname.slice(1);
  // A busy app holds every connection of its pools: open them all (50 concurrent queries per pool) before the load.
  await Promise.all([
    ...prismaClients.flatMap((client) => Array.from({ length: APP_POOL_SIZE }, () => client.$queryRawUnsafe("SELECT pg_sleep(0.02)::text"))),
    ...dataSources.flatMap((dataSource) => Array.from({ length: APP_POOL_SIZE }, () => dataSource.query("SELECT pg_sleep(0.02)::text"))),
  ]);
  expect((await poolerPool(poolerUrl()!, database)).clients).toBe(4 * APP_POOL_SIZE);

  const before = await poolerStats(poolerUrl()!, database);
  const started = Date.now();
  const { result: outcomes, peak } = await whileSampling(
    Promise.all([
      ...hammer(prismaManagers, prismaSessions, (sql) => prismaClients[0]!.$queryRawUnsafe(sql)),
      ...hammer(typeormManagers, typeormSessions, (sql) => dataSources[0]!.query(sql)),
    ]),
  );
  const elapsed = Date.now() - started;
  const after = await poolerStats(poolerUrl()!, database);
  const perSession = KEYS_PER_SESSION + INCREMENTS_PER_SESSION + READS_PER_SESSION;
  console.info(
    `${outcomes.length} requests in ${elapsed} ms through PgBouncer: ${after.transactions - before.transactions} transactions, ` +
      `peak ${peak.clients} clients on ${peak.servers} server connections, clients waited ${Math.round((after.waitMicroseconds - before.waitMicroseconds) / 1000)} ms in all`,
  );
  expect(outcomes).toEqual(Array.from({ length: 2 * SESSIONS_PER_ORM * perSession }, () => 1));
  expect(peak.clients).toBe(4 * APP_POOL_SIZE);
  expect(peak.servers).toBeLessThanOrEqual(SERVER_POOL_SIZE);
  // Clients queued for the 10 server connections: the pool really was the bottleneck.
  expect(after.waitMicroseconds).toBeGreaterThan(before.waitMicroseconds);

  const expectedKeys = [...Array.from({ length: KEYS_PER_SESSION }, (_, i) => `k${i}`), "count"].sort();
  for (const [managers, sessions] of [[prismaManagers, prismaSessions], [typeormManagers, typeormSessions]] as const) {
    for (const [token, userId] of sessions) {
      const session = await managers[1]!.load(token, { readOnly: true });
      expect([...session.keys()].sort()).toEqual(expectedKeys);
      expect(Array.from({ length: KEYS_PER_SESSION }, (_, i) => session.get(`k${i}`))).toEqual(Array.from({ length: KEYS_PER_SESSION }, (_, i) => i));
      expect(session.get("count")).toBe(INCREMENTS_PER_SESSION);
      expect(session.userId).toBe(userId);
    }
  }
}, 120_000);
