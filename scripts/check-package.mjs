// `npm run check:package`: builds, then packs the package the way `npm publish` would and lints the tarball
// with publint (package.json fields, exports, files) and @arethetypeswrong/cli (types for every entry
// point under node10, node16 CJS/ESM and bundler resolution). Exits non-zero on any problem.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const bin = (name) => join("node_modules", ".bin", name);
const dir = mkdtempSync(join(tmpdir(), "sessionrow-pack-"));
try {
  const output = execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dir], { encoding: "utf8" });
  const [{ filename, size, unpackedSize, entryCount, files }] = JSON.parse(output.slice(output.indexOf("[")));
  console.log(`${filename}: ${(size / 1024).toFixed(1)} kB packed, ${(unpackedSize / 1024).toFixed(1)} kB unpacked, ${entryCount} files`);
  // The README tells users to copy these out of node_modules/sessionrow.
  const packed = new Set(files.map((file) => file.path));
  const missing = ["postgresql", "mysql", "sqlite"]
    .flatMap((dialect) => [`sql/${dialect}.sql`, `prisma/session-migration/${dialect}/migration.sql`])
    .concat(["prisma/sqlite/schema.prisma", "prisma/sqlite/migrations/migration_lock.toml"])
    .filter((file) => !packed.has(file));
  if (missing.length > 0) {
    console.error(`Missing from the package: ${missing.join(", ")}`);
    process.exitCode = 1;
  }
  const tarball = join(dir, filename);
  execFileSync(bin("publint"), ["run", tarball, "--strict"], { stdio: "inherit" });
  execFileSync(bin("attw"), [tarball], { stdio: "inherit" });
} catch (error) {
  if (error.status === undefined) throw error;
  process.exitCode = error.status;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
