// README.md's TypeScript blocks compile as pasted. Each block is marked `<!-- compile: GROUP -->` (it is
// compiled with the other blocks of its groups, in README order, plus the helper files in
// .given/GROUP) or `<!-- fragment: REASON -->`. A group is a throwaway project resolving `sessionrow`
// to this repository's build (`npm run build`, done by `npm test`'s pretest) and `./generated/prisma`
// to a client generated from the README's Prisma schema; every quick start asserts with an exact
// type check that `user()` is `User | null`. A failure names the README line.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { blockGroups, isTypeScript, readmeBlocks, type BlockGroup } from "./readme-blocks.js";
import { prismaSchema, ReadmeWorkspace, repoRoot, type BlockProblem, type Profile } from "./readme-project.js";

const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
const blocks = readmeBlocks(readme);
const groups = blockGroups(blocks.filter(isTypeScript));

/** The quick starts: each one's `user()` must be the app's `User | null` (their .given checks say so). */
const QUICK_STARTS = ["prisma-express", "typeorm-express", "fastify", "hono", "nextjs", "nest-prisma", "nest-typeorm"];
const PROFILES: Record<string, Profile> = { nextjs: "next" };

let workspace: ReadmeWorkspace;
beforeAll(() => {
  workspace = new ReadmeWorkspace(prismaSchema(blocks));
}, 60_000);
afterAll(() => workspace?.dispose());

const format = (problems: readonly BlockProblem[]) => problems.map((p) => `${p.where} [${p.group}]: ${p.message}`).join("\n");

test("every TypeScript block is either compiled or marked as a fragment with a reason", () => {
  const unmarked = blocks.filter((block) => isTypeScript(block) && block.marker === undefined).map((block) => `README.md:${block.line}`);
  const reasonless = blocks
    .filter((block) => block.marker?.kind === "fragment" && block.marker.reason.length < 10)
    .map((block) => `README.md:${block.line}`);
  expect({ unmarked, reasonless }).toEqual({ unmarked: [], reasonless: [] });
});

test("every quick start is a compile group with a user() type check", () => {
  expect(QUICK_STARTS.filter((name) => !groups.some((group) => group.name === name))).toEqual([]);
  const unchecked = QUICK_STARTS.filter((name) => {
    const given = join(__dirname, ".given", name);
    const sources = readdirRecursive(given).map((file) => readFileSync(file, "utf8"));
    return !sources.some((source) => /assertType<typeof \w+, \w+ \| null>\(true\)/.test(source));
  });
  expect(unchecked).toEqual([]);
});

test.each(groups.map((group) => [group.name, group] as [string, BlockGroup]))(
  "README group %s compiles as pasted",
  (name, group) => {
    expect(format(workspace.check(group, PROFILES[name] ?? "node"))).toBe("");
  },
  60_000,
);

test("a block that stops compiling fails with its README line", () => {
  const broken = readme.replace(
    "  await req.session.setUser(user);           // stores user.id",
    '  await req.session.setUser("ada");          // stores user.id',
  );
  expect(broken).not.toBe(readme);
  const line = broken.split("\n").findIndex((text) => text.includes('setUser("ada")')) + 1;
  const [group] = blockGroups(readmeBlocks(broken).filter(isTypeScript)).filter((g) => g.name === "prisma-express");
  const problems = workspace.check(group!, "node");
  expect(problems.map((p) => p.where)).toEqual([`README.md:${line}`]);
}, 60_000);

test("the quick start's user() check fails when the Register step is left out", () => {
  const register =
    'declare module "sessionrow" {\n  interface Register {\n    sessionManager: typeof sessions;   // types req.session: user() is your Prisma User | null\n  }\n}\n';
  expect(readme).toContain(register);
  const withoutRegister = readme.replace(register, "");
  const [group] = blockGroups(readmeBlocks(withoutRegister).filter(isTypeScript)).filter((g) => g.name === "prisma-express");
  const problems = workspace.check(group!, "node");
  const after = "test/readme/.given/prisma-express/app.after.ts";
  const checks = readFileSync(join(repoRoot, after), "utf8")
    .split("\n")
    .flatMap((text, index) => (text.includes("assertType<") ? [`${after}:${index + 1}`] : []));
  expect(problems.map((p) => p.where).filter((where) => where.startsWith(after))).toEqual(checks);
}, 60_000);

function readdirRecursive(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}
