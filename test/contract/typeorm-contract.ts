import { randomBytes, randomUUID } from "node:crypto";
import { LessThanOrEqual } from "typeorm";
import { SessionConfigError, SessionManager } from "../../src/index.js";
import { createSessionMigration, TypeORMStore } from "../../src/typeorm.js";
import { simulateRequest } from "../support/simulate-request.js";
import { Account, User, type TypeORMTestDatabase } from "../support/typeorm.js";
import { makeRecord } from "./store-contract.js";

/**
 * What TypeORM apps rely on beyond the store contract, on one database: the session migrations build
 * exactly the schema the entities describe, and `fromTypeORM` finds the entity and types the user.
 */
export function describeTypeORMSpecifics(database: string, get: () => TypeORMTestDatabase): void {
  describe(`TypeORM on ${database}`, () => {
    const secret = randomBytes(32).toString("hex");

    it("migrations leave no pending schema change for the entities", async () => {
      const { upQueries } = await get().dataSource.driver.createSchemaBuilder().log();
      expect(upQueries.map((query) => query.query)).toEqual([]);
    });

    it("session migrations revert and re-apply cleanly", async () => {
      const { dataSource } = get();
      await dataSource.undoLastMigration();
      await dataSource.undoLastMigration();
      const queryRunner = dataSource.createQueryRunner();
      try {
        expect(await queryRunner.hasTable("session")).toBe(false);
        expect(await queryRunner.hasTable("account_session")).toBe(false);
        expect(await queryRunner.hasTable("user")).toBe(true);
      } finally {
        await queryRunner.release();
      }
      expect((await dataSource.runMigrations()).map((migration) => migration.name)).toEqual([
        "CreateSessionTable1795219200000",
        "CreateAccountSessionTable1795219200000",
      ]);
      expect((await dataSource.driver.createSchemaBuilder().log()).upQueries).toEqual([]);
    });

    it("a session migration made for another database refuses to run", async () => {
      const { dataSource } = get();
      const other = dataSource.options.type === "postgres" ? "mariadb" : "postgres";
      const queryRunner = dataSource.createQueryRunner();
      try {
        await expect(new (createSessionMigration({ type: other }))().up(queryRunner)).rejects.toThrow(
          new SessionConfigError(`This session table migration was made for ${other}, but the DataSource is ${dataSource.options.type}`),
        );
      } finally {
        await queryRunner.release();
      }
    });

    it.each([false, true])("fromTypeORM finds the session entity by userEntity and loads the User (preloadUser: %s)", async (preloadUser) => {
      const { dataSource } = get();
      const sessions = SessionManager.fromTypeORM(dataSource, { userEntity: User, secret, preloadUser });
      const user = await dataSource.getRepository(User).save({ email: `${randomUUID()}@example.com` });
      const token = await simulateRequest(sessions, null, (session) => session.setUser(user));
      const session = await sessions.load(token);
      const loaded = await session.user();
      expect(loaded).toBeInstanceOf(User);
      expect(loaded).toEqual(user);
      expect(await dataSource.getRepository("Session").countBy({ id: session.id })).toBe(1);

      const accounts = SessionManager.fromTypeORM(dataSource, { userEntity: Account, secret, preloadUser });
      const account = await dataSource.getRepository(Account).save({ id: randomUUID(), email: `${randomUUID()}@example.com` });
      const accountToken = await simulateRequest(accounts, null, (accountSession) => accountSession.setUser(account));
      expect(await (await accounts.load(accountToken)).user()).toEqual(account);
      expect(await dataSource.getRepository("AccountSession").countBy({ userId: account.id })).toBe(1);
    });

    it("parallel prunes delete each expired row once (SKIP LOCKED / DELETE ... LIMIT)", async () => {
      const { dataSource, Session } = get();
      const store = new TypeORMStore<number>(dataSource, { entity: Session });
      const now = new Date();
      for (let i = 0; i < 12; i++) await store.insert(makeRecord<number>({ expiresAt: new Date(now.getTime() - 1) }, new Date(now.getTime() - 60_000)));
      const expired = await dataSource.getRepository(Session).countBy({ expiresAt: LessThanOrEqual(now) });
      const counts = await Promise.all(Array.from({ length: 4 }, () => store.deleteExpired(now, 3)));
      for (const count of counts) expect(count).toBeLessThanOrEqual(3);
      let total = counts.reduce((sum, count) => sum + count, 0);
      for (let count = -1; count !== 0; total += count) count = await store.deleteExpired(now, 3);
      expect(total).toBe(expired);
      expect(await dataSource.getRepository(Session).countBy({ expiresAt: LessThanOrEqual(now) })).toBe(0);
    });

    it("refuses a DataSource whose session entity it cannot tell", () => {
      const { dataSource } = get();
      expect(() => new TypeORMStore(dataSource)).toThrow(/several session entities/);
      expect(() => new TypeORMStore(dataSource, { entity: User })).toThrow(SessionConfigError);
      expect(() => new TypeORMStore(dataSource, { entity: User })).toThrow(/User cannot store sessions: no column userId, data/);
      expect(() => new TypeORMStore(dataSource, { entity: get().Session, userEntity: Account })).toThrow(/targets another entity/);
    });
  });
}
