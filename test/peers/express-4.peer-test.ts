// Run by jest.compat-peers.config.js only: proves its Express project really loads Express 4.
import { loadedVersion } from "./peer-version.js";

it("loads express 4.17.3", () => {
  expect(loadedVersion("express")).toBe("4.17.3");
});
