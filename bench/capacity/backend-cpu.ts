import type pg from "pg";
import { processesCpu, type DatabaseCpu } from "../database-cpu.js";

/**
 * CPU time of the PostgreSQL backends serving one database, read from /proc (PostgreSQL runs on this
 * machine): every backend connected to the monitor's database but the monitor itself. `null` when
 * /proc is not readable (a remote server).
 */
export async function backendCpuMilliseconds(monitor: pg.Client): Promise<DatabaseCpu | null> {
  const { rows } = await monitor.query<{ pid: number }>(
    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
  );
  return processesCpu(rows.map((row) => row.pid));
}
