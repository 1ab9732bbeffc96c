/**
 * `npx tsx bench/pgbouncer-probe.ts`: what does and does not survive PgBouncer's transaction pooling,
 * checked on a throwaway database through PGBOUNCER_URL (default 127.0.0.1:6432, as .ci/pgbouncer/start
 * runs it) next to the direct DATABASE_URL server. Prints one line per check; docs/scaling.md quotes them.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../generated/prisma/client.js";
import { applyMigrations } from "../scripts/lib/prisma-schema-engine.js";

const direct = new URL(process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
const pooled = new URL(process.env.PGBOUNCER_URL ?? "postgresql://postgres@127.0.0.1:6432/postgres");
const name = `sessionrow_probe_${Date.now()}`;

function on(server: URL, database: string): string {
  const url = new URL(server);
  url.pathname = `/${database}`;
  return url.toString();
}

async function check(label: string, probe: () => Promise<unknown>): Promise<void> {
  try {
    console.log(`${label}: ok, ${JSON.stringify(await probe())}`);
  } catch (error) {
    console.log(`${label}: FAILS, ${String((error as Error).message).split("\n")[0]}`);
  }
}

async function advisoryLocksHeld(): Promise<number> {
  const client = new pg.Client({ connectionString: on(direct, name) });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted");
    return rows[0]!.n;
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const admin = new pg.Client({ connectionString: direct.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  try {
    const migrations = { migrationsDir: "prisma/migrations", schemaPath: "prisma/schema.prisma" };
    await check("Prisma migrations, directly", () => applyMigrations({ adapterFactory: new PrismaPg({ connectionString: on(direct, name) }), ...migrations }));

    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: on(pooled, name), max: 4 }) });
    await check("Prisma Client, 40 parallel findUnique through PgBouncer (unnamed statements)", async () => {
      const rows = await Promise.all(Array.from({ length: 40 }, (_, i) => prisma.session.findUnique({ where: { id: `missing${i}` } })));
      return `${rows.length} answers`;
    });
    await prisma.$disconnect();

    await check("pg named prepared statement ({ name }), 40 parallel through PgBouncer", async () => {
      const pool = new pg.Pool({ connectionString: on(pooled, name), max: 8 });
      try {
        await Promise.all(Array.from({ length: 40 }, (_, i) => pool.query({ name: "probe", text: "SELECT $1::int AS v", values: [i] })));
        return "40 answers";
      } finally {
        await pool.end();
      }
    });

    await check("startup option -c statement_timeout=5000 through PgBouncer", async () => {
      const client = new pg.Client({ connectionString: on(pooled, name), options: "-c statement_timeout=5000" });
      await client.connect();
      try {
        return (await client.query("SHOW statement_timeout")).rows[0];
      } finally {
        await client.end();
      }
    });

    await check("SET on one statement, then SHOW 40 times through PgBouncer (values seen)", async () => {
      const pool = new pg.Pool({ connectionString: on(pooled, name), max: 20 });
      try {
        await Promise.all(Array.from({ length: 20 }, () => pool.query("SELECT pg_sleep(0.01)")));
        await pool.query("SET statement_timeout = 1234");
        const seen = new Set<string>();
        for (let i = 0; i < 40; i++) seen.add((await pool.query("SHOW statement_timeout")).rows[0].statement_timeout);
        return [...seen];
      } finally {
        await pool.end();
      }
    });

    await check("pg_advisory_lock through PgBouncer, client gone: locks still held", async () => {
      const client = new pg.Client({ connectionString: on(pooled, name) });
      await client.connect();
      await client.query("SELECT pg_advisory_lock(42)");
      await client.end();
      return advisoryLocksHeld();
    });

    await check("Prisma migrations again, through PgBouncer", () => applyMigrations({ adapterFactory: new PrismaPg({ connectionString: on(pooled, name) }), ...migrations }));
    await check("advisory locks left held on PgBouncer's server connections after that", advisoryLocksHeld);
  } finally {
    await admin.query(`DROP DATABASE "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
