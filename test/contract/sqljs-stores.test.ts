import { TypeORMStore } from "../../src/typeorm.js";
import { openTypeORM, type TypeORMTestDatabase } from "../support/typeorm.js";
import { describeStoreContract } from "./store-contract.js";
import { typeormFixtures } from "./store-fixtures.js";
import { describeTypeORMSpecifics } from "./typeorm-contract.js";

// TypeORM's `sqljs` driver: SQLite compiled to WebAssembly (the `sql.js` package), nothing native at
// all. The database lives in this process's memory.
let typeorm: TypeORMTestDatabase;

beforeAll(async () => {
  typeorm = await openTypeORM({ type: "sqljs" });
});

afterAll(async () => {
  await typeorm?.close();
});

const typeormStores = typeormFixtures(() => typeorm, "sqlite");
describeStoreContract("TypeORMStore on sql.js (int user ids)", "int", typeormStores.int);
describeStoreContract("TypeORMStore on sql.js (uuid user ids)", "string", typeormStores.string);

describeTypeORMSpecifics("sql.js", () => typeorm);

it("TypeORMStore on sql.js says one process only, and not persistent without a saved location", () => {
  expect(new TypeORMStore(typeorm.dataSource, { entity: typeorm.Session }).capabilities).toEqual({ multiProcessSafe: false, persistent: false });
});
