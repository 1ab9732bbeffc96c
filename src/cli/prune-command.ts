import { Command } from "commander";
import { countOf } from "./format-values.js";
import { printJson, printLines } from "./output.js";
import { countAtLeast, numberBetween } from "./parse-count.js";
import { PruneProgress } from "./prune-progress.js";
import type { SessionSource } from "./session-source.js";
import { nowOf, withSource } from "./with-source.js";

interface PruneOptions {
  batchSize?: number;
  pauseRatio?: number;
  json?: boolean;
}

/** `sessionrow prune`: deletes expired sessions in batches (the cron job). */
export function pruneCommand(): Command {
  return new Command("prune")
    .description("delete expired sessions in batches; safe to run from cron on several hosts at once")
    .option("--batch-size <n>", "rows deleted per statement (default: the manager's pruneBatchSize, 1000)", countAtLeast(1))
    .option(
      "--pause-ratio <r>",
      "rest after each batch r times as long as it took, 0 to 100; 0: no rest (default: the manager's prunePauseRatio, 1)",
      numberBetween(0, 100),
    )
    .option("--json", 'print {"deleted": n}')
    .action((options: PruneOptions, command: Command) => withSource(command, (source) => prune(source, options)));
}

async function prune(source: SessionSource, options: PruneOptions): Promise<void> {
  const terminal = options.json !== true && process.stdout.isTTY === true;
  const expected = terminal ? await source.inspector.countExpired?.(nowOf(source)) : undefined;
  const progress = terminal ? new PruneProgress(process.stdout, expected) : undefined;
  let deleted: number;
  try {
    deleted = await source.manager.prune({
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      ...(options.pauseRatio === undefined ? {} : { pauseRatio: options.pauseRatio }),
      onProgress: (total) => progress?.update(total),
    });
  } finally {
    progress?.stop();
  }
  if (options.json) printJson({ deleted });
  else printLines([`Deleted ${countOf(deleted, "expired session")}.`]);
}
