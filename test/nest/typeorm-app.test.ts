import { Test } from "@nestjs/testing";
import { TypeOrmModule } from "@nestjs/typeorm";
import { DataSource } from "typeorm";
import { SessionModule } from "../../src/nest.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";
import { openTypeORM, sessionEntities, User } from "../support/typeorm.js";
import { SessionTestController, USER_LOOKUP, type UserLookup } from "./nest-app.js";
import { describeNestSessionApp } from "./nest-app-scenarios.js";

const secret = "fF_Fv8YMiOB3dEbXWQoYYE223HgHmBcjgFXqTUqpBLc";
let db: TestDatabase;

beforeAll(async () => {
  // The app's migrations (its user table and the session table) run once, as a deploy would.
  db = await createTestDatabase();
  const migrated = await openTypeORM({ type: "postgres", url: db.url });
  await migrated.dataSource.getRepository(User).save([{ email: "ada@example.com" }, { email: "grace@example.com" }]);
  await migrated.close();
});
afterAll(async () => {
  await db?.drop();
});

describeNestSessionApp("NestJS app on TypeORM and PostgreSQL (@nestjs/typeorm)", async () => {
  const { Session } = sessionEntities("postgres");
  const moduleRef = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot({ type: "postgres", url: db.url, entities: [User, Session] }),
      SessionModule.forRootAsync({
        inject: [DataSource],
        useFactory: (dataSource: DataSource) => ({ dataSource, userEntity: User, secret }),
      }),
    ],
    controllers: [SessionTestController],
    providers: [
      {
        provide: USER_LOOKUP,
        inject: [DataSource],
        useFactory: (dataSource: DataSource): UserLookup => ({
          findByEmail: (email) => dataSource.getRepository(User).findOneByOrFail({ email }),
        }),
      },
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  const dataSource = app.get(DataSource);
  return {
    app,
    sessionIds: async () => (await dataSource.getRepository(Session).find({ select: { id: true } })).map((row) => row.id),
    userId: async (email) => (await dataSource.getRepository(User).findOneByOrFail({ email })).id,
    close: async () => {
      await app.close();
      expect(dataSource.isInitialized).toBe(false);
    },
  };
});
