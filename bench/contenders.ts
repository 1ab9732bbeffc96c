import { existsSync } from "node:fs";
import type { Part } from "./settings.js";

/** A contender of the benchmark: a module in bench/contenders/ and how to present it. */
export interface ContenderInfo {
  /** Module name in bench/contenders/. */
  name: string;
  label: string;
  /** A label short enough for the chart. */
  short?: string;
  /**
   * `reference`: no-session ceiling and raw-driver floor; `sessionrow`: ours; `variant`: ours with a
   * non-default option, in the throughput scenarios only, for comparison; `peer`: what users pick today.
   */
  kind: "reference" | "sessionrow" | "variant" | "peer";
  /** Files that must exist for the contender to run (a store still being written). */
  requires?: readonly string[];
  /** The only parts it runs in (when absent: every part that takes its kind). */
  parts?: readonly Part[];
}

/** Every contender, in report order. */
export const CONTENDERS: readonly ContenderInfo[] = [
  { name: "baseline", label: "baseline (no sessions)", kind: "reference" },
  { name: "raw-pg", label: "raw pg (1 SELECT by primary key)", short: "raw pg floor (1 SELECT)", kind: "reference" },
  {
    name: "raw-jsonb-set",
    label: "raw pg (1 UPDATE ... jsonb_set per increment)",
    short: "raw jsonb_set (1 UPDATE)",
    kind: "reference",
    parts: ["increments-10p"],
  },
  {
    name: "prisma-floor",
    label: "Prisma floor (same SELECT via Prisma, no sessions)",
    short: "Prisma floor (no sessions)",
    kind: "reference",
  },
  {
    name: "typeorm-floor",
    label: "TypeORM floor (same SELECT via TypeORM, no sessions)",
    short: "TypeORM floor (no sessions)",
    kind: "reference",
    requires: ["src/typeorm.ts"],
  },
  { name: "sessionrow-prisma", label: "sessionrow + Prisma", kind: "sessionrow" },
  {
    name: "sessionrow-typeorm",
    label: "sessionrow + TypeORM",
    kind: "sessionrow",
    requires: ["src/typeorm.ts", "src/stores/typeorm-store.ts"],
  },
  {
    name: "sessionrow-prisma-client",
    label: "sessionrow + Prisma, raw SQL through the client (no pool option)",
    short: "sessionrow + Prisma, no pool option",
    kind: "variant",
  },
  {
    name: "sessionrow-prisma-orm",
    label: "sessionrow + Prisma, rawSql: false (model API)",
    short: "sessionrow + Prisma, rawSql: false",
    kind: "variant",
  },
  {
    name: "sessionrow-typeorm-orm",
    label: "sessionrow + TypeORM, rawSql: false (query builder)",
    short: "sessionrow + TypeORM, rawSql: false",
    kind: "variant",
    requires: ["src/typeorm.ts", "src/stores/typeorm-store.ts"],
  },
  { name: "express-session-pg-simple", label: "express-session + connect-pg-simple", kind: "peer" },
  { name: "express-session-prisma", label: "express-session + prisma-session-store", kind: "peer" },
  { name: "express-session-typeorm", label: "express-session + connect-typeorm", kind: "peer" },
];

/** Whether a contender's code exists in this checkout (paths relative to the repository root). */
export function isAvailable(contender: ContenderInfo): boolean {
  return (contender.requires ?? []).every((file) => existsSync(file));
}

/** Whether a contender runs in `part` (given that the part takes its kind). */
export function runsIn(contender: ContenderInfo, part: Part): boolean {
  return contender.parts?.includes(part) ?? true;
}

/** The label of a contender name (its short label with `short`). */
export function labelOf(name: string, short = false): string {
  const contender = CONTENDERS.find((candidate) => candidate.name === name);
  return (short ? contender?.short : undefined) ?? contender?.label ?? name;
}

/** The entries of a name-keyed record, in report order. */
export function inReportOrder<T>(byName: Readonly<Record<string, T>>): [string, T][] {
  return CONTENDERS.filter((contender) => byName[contender.name] !== undefined).map((contender) => [contender.name, byName[contender.name]!]);
}
