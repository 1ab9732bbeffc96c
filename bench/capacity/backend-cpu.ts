import { readFileSync } from "node:fs";
import type pg from "pg";

const TICKS_PER_SECOND = 100;

/**
 * CPU time of the PostgreSQL backends serving one database, read from /proc (PostgreSQL runs on this
 * machine): user + system ticks of every backend connected to the monitor's database but the monitor
 * itself. `null` when /proc is not readable (a remote server).
 */
export async function backendCpuMilliseconds(monitor: pg.Client): Promise<Map<number, number> | null> {
  const { rows } = await monitor.query<{ pid: number }>(
    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
  );
  const cpu = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // Fields 14 and 15 of proc(5) (utime, stime), counted from the state field, which is field 3.
      cpu.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND);
    } catch {
      return null;
    }
  }
  return cpu;
}

/** CPU milliseconds the backends used between two readings (a backend that started in between counts from zero). */
export function cpuBetween(before: Map<number, number> | null, after: Map<number, number> | null): number | null {
  if (!before || !after) return null;
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}
