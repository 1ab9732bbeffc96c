import { readdirSync, readFileSync } from "node:fs";

/** CPU time (user + system, ms) of PostgreSQL server processes on this machine, by pid. */
export type DatabaseCpu = ReadonlyMap<number, number>;

/** Linux's USER_HZ, the unit of /proc's CPU times: 100 on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

/** A process's name and CPU time (ms) from /proc, or `null` when it cannot be read (exited, or no /proc). */
function processCpu(pid: number): { name: string; ms: number } | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "latin1");
  } catch {
    return null;
  }
  // "pid (comm) state ...": the name may hold spaces, so the fields are split after its closing parenthesis.
  const close = stat.lastIndexOf(")");
  const fields = stat.slice(close + 2).split(" ");
  // Fields 14 and 15 of proc(5) (utime, stime), counted from the state field, which is field 3.
  return { name: stat.slice(stat.indexOf("(") + 1, close), ms: ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND };
}

/**
 * The CPU time of every PostgreSQL server process on this machine (backends of every database, and
 * the server's own writers), or `null` where none can be read (no /proc, or a server elsewhere). Two
 * readings around a run tell what a contender's statements cost the database, which shares the
 * machine's cores with the contender and the load generator.
 */
export function serverCpu(): DatabaseCpu | null {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return null;
  }
  const cpu = new Map<number, number>();
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const found = processCpu(Number(entry));
    if (found?.name === "postgres") cpu.set(Number(entry), found.ms);
  }
  return cpu.size > 0 ? cpu : null;
}

/** The CPU time of the given server processes, or `null` if one cannot be read. */
export function processesCpu(pids: readonly number[]): DatabaseCpu | null {
  const cpu = new Map<number, number>();
  for (const pid of pids) {
    const found = processCpu(pid);
    if (found === null) return null;
    cpu.set(pid, found.ms);
  }
  return cpu;
}

/**
 * CPU milliseconds used between two readings by the processes alive at the second (a process that
 * started in between counts from zero). One that exited in between (an idle connection another pool
 * closed) is left out, so that its lifetime's CPU is not subtracted.
 */
export function cpuBetween(before: DatabaseCpu | null, after: DatabaseCpu | null): number | null {
  if (!before || !after) return null;
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}
