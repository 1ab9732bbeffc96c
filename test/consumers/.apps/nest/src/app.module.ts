import { Module } from "@nestjs/common";
import { SessionManager } from "sessionrow";
import { SessionModule } from "sessionrow/nest";
import { createSessionEntity, createSessionMigration } from "sessionrow/typeorm";
import { DataSource } from "typeorm";
import { AccountController } from "./account.controller";
import { CreateUserTable1700000000000, User } from "./user.entity";

declare module "sessionrow" {
  interface Register {
    sessionManager: SessionManager<{ views: number }, User, number>;
  }
}

const dataSourceProvider = {
  provide: DataSource,
  useFactory: async (): Promise<DataSource> => {
    const dataSource = new DataSource({
      type: "postgres",
      url: process.env.DATABASE_URL,
      entities: [User, createSessionEntity(User)],
      migrations: [CreateUserTable1700000000000, createSessionMigration({ type: "postgres" })],
    });
    await dataSource.initialize();
    await dataSource.runMigrations();
    return dataSource;
  },
};

@Module({ providers: [dataSourceProvider], exports: [DataSource] })
class DatabaseModule {}

@Module({
  imports: [
    DatabaseModule,
    SessionModule.forRootAsync({
      imports: [DatabaseModule],
      inject: [DataSource],
      // A manager built with "sessionrow" is accepted by the module from "sessionrow/nest".
      useFactory: (dataSource: DataSource) => ({
        manager: SessionManager.fromTypeORM(dataSource, { userEntity: User, secret: "consumer-test-secret-of-32-characters" }),
      }),
    }),
  ],
  controllers: [AccountController],
})
export class AppModule {}
