// `npm run sql:generate`: writes sql/<dialect>.sql and prisma/session-migration/<dialect>/migration.sql
// from the Prisma migrations (see scripts/lib/session-sql.ts). Run it after changing a migration.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { renderSessionSql, SESSION_SQL_DIALECTS } from "./lib/session-sql.js";

for (const dialect of SESSION_SQL_DIALECTS) {
  for (const [file, content] of await renderSessionSql(dialect)) {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
    console.log(`wrote ${file}`);
  }
}
