import { exposureWarning } from "../../src/demo/exposure-warning.js";

it("warns when the demo listens beyond this machine, and only then", () => {
  for (const host of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"]) expect(exposureWarning(host)).toBeNull();
  for (const host of ["0.0.0.0", "::", "192.0.2.10", "demo.example"]) {
    expect(exposureWarning(host)).toMatch(new RegExp(`^WARNING: the demo listens on ${host.replace(/\./g, "\\.")}, reachable from other machines`));
  }
});
