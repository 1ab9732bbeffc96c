// The Next.js example carries its own Prisma schema (its client is generated inside the example):
// its models must stay the repository's, which the migrations it applies create.
import { readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(__dirname, "../..");

function models(schemaPath: string): string[] {
  const schema = readFileSync(join(root, schemaPath), "utf8");
  return [...schema.matchAll(/^model \w+ \{[\s\S]*?^\}/gm)].map((match) => match[0].replace(/^\s*\/\/.*$/gm, "").replace(/\s+/g, " "));
}

it("examples/nextjs declares the User and Session models of prisma/schema.prisma", () => {
  const example = models("examples/nextjs/prisma/schema.prisma");
  const repository = models("prisma/schema.prisma").filter((model) => /^model (User|Session) /.test(model));
  expect(example).toEqual(repository);
  expect(example).toHaveLength(2);
});
