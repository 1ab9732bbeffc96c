// Run by jest.compat-peers.config.js only: proves its TypeORM project really loads TypeORM 0.3.
import { loadedVersion } from "./peer-version.js";

it("loads typeorm 0.3.20", () => {
  expect(loadedVersion("typeorm")).toBe("0.3.20");
});
