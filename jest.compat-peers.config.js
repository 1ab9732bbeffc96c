// The same tests on the oldest peer versions sessionrow supports, installed as npm aliases:
// TypeORM 0.3.20 (the 0.3 line most apps still run) for the TypeORM store, migrations and the Nest
// module on TypeORM; Express 4.17.3 for the Express middleware and the express-session bridge.
// `npm test` runs it after the main suite.
import base from "./jest.config.js";

const { globalSetup, globalTeardown, testTimeout, ...project } = base;

export default {
  globalSetup,
  globalTeardown,
  testTimeout,
  projects: [
    {
      ...project,
      displayName: "typeorm 0.3.20",
      testMatch: [
        "<rootDir>/test/contract/postgres-stores.test.ts",
        "<rootDir>/test/contract/mariadb-stores.test.ts",
        "<rootDir>/test/contract/sqlite-stores.test.ts",
        "<rootDir>/test/contract/sqljs-stores.test.ts",
        "<rootDir>/test/nest/typeorm-app.test.ts",
        "<rootDir>/test/peers/typeorm-0.3.peer-test.ts",
      ],
      moduleNameMapper: { "^typeorm$": "typeorm03", "^typeorm/(.*)$": "typeorm03/$1", ...base.moduleNameMapper },
    },
    {
      ...project,
      displayName: "express 4.17.3",
      testMatch: [
        "<rootDir>/test/integration/express-prisma.test.ts",
        "<rootDir>/test/integration/express-options.test.ts",
        "<rootDir>/test/integration/express-response-hold.test.ts",
        "<rootDir>/test/compat/express-session.test.ts",
        "<rootDir>/test/peers/express-4.peer-test.ts",
      ],
      moduleNameMapper: { "^express$": "express4", "^express/(.*)$": "express4/$1", ...base.moduleNameMapper },
    },
  ],
};
