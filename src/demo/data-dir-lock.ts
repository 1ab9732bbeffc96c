import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Claims `dir` for this process with a pid file, so a second demo cannot open the same embedded
 * database: PGlite has no lock of its own, and two processes writing one data directory corrupt it.
 * A pid file left by a process that no longer runs is taken over.
 *
 * @returns a function that releases the lock.
 * @throws Error naming the other process when it still runs.
 */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const file = path.join(dir, "demo.pid");
  await mkdir(dir, { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: "wx" });
      return () => rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const pid = Number((await readFile(file, "utf8").catch(() => "")).trim());
      if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && isRunning(pid)) {
        throw new Error(`Another demo (pid ${pid}) is using ${dir}: stop it first, or pass another --data-dir`);
      }
      await rm(file, { force: true });
    }
  }
  throw new Error(`Could not lock ${dir} (${file} keeps reappearing)`);
}
