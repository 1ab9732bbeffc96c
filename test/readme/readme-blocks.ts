// Reads README.md's fenced code blocks and the HTML comment above each TypeScript one:
//   <!-- compile: GROUP[:FILE] ... -->   compile this block as part of each named group (in README order)
//   <!-- fragment: REASON -->             do not compile it, and say why
// A block goes into FILE when given, else into the file its first line names (`// lib/sessions.ts`),
// else into the group's main.ts, appended after the blocks before it.

/** One fenced code block of the README. */
export interface ReadmeBlock {
  /** The fence's language tag (`ts`, `tsx`, `prisma`, `sh`, ...). */
  lang: string;
  /** 1-based README line of the first line inside the fence. */
  line: number;
  code: string;
  /** The marker comment above the fence, if any. */
  marker: BlockMarker | undefined;
}

/** Where a compiled block goes: one entry per group it belongs to. */
export interface BlockTarget {
  group: string;
  file: string;
}

export type BlockMarker = { kind: "compile"; targets: BlockTarget[] } | { kind: "fragment"; reason: string };

/** A compiled group: its files, each made of README blocks in README order. */
export interface BlockGroup {
  name: string;
  files: Map<string, ReadmeBlock[]>;
}

const FENCE = /^\s*```(\S*)\s*$/;
const MARKER = /^\s*<!--\s*(compile|fragment):\s*(.*?)\s*-->\s*$/;
const FILE_COMMENT = /^\/\/ ((?:[\w@.[\]-]+\/)*[\w@.[\]-]+\.tsx?)(?=$|[\s:(])/;

/** Every fenced block of a Markdown text, with the marker comment that directly precedes it. */
export function readmeBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split("\n");
  const blocks: ReadmeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^\s*```\s*$/.test(lines[end]!)) end++;
    const indent = /^\s*/.exec(lines[i]!)![0].length;
    const code = lines
      .slice(start, end)
      .map((line) => line.slice(Math.min(indent, /^\s*/.exec(line)![0].length)))
      .join("\n");
    blocks.push({ lang: open[1] ?? "", line: start + 1, code, marker: markerAbove(lines, i) });
    i = end;
  }
  return blocks;
}

/** TypeScript blocks: the ones the check must account for. */
export function isTypeScript(block: ReadmeBlock): boolean {
  return block.lang === "ts" || block.lang === "tsx" || block.lang === "typescript";
}

/** The compile groups in the order the README first mentions them. */
export function blockGroups(blocks: readonly ReadmeBlock[]): BlockGroup[] {
  const groups = new Map<string, BlockGroup>();
  for (const block of blocks) {
    if (block.marker?.kind !== "compile") continue;
    for (const { group, file } of block.marker.targets) {
      const entry = groups.get(group) ?? { name: group, files: new Map<string, ReadmeBlock[]>() };
      groups.set(group, entry);
      entry.files.set(file, [...(entry.files.get(file) ?? []), block]);
    }
  }
  return [...groups.values()];
}

function markerAbove(lines: readonly string[], fence: number): BlockMarker | undefined {
  let i = fence - 1;
  while (i >= 0 && lines[i]!.trim() === "") i--;
  const match = i >= 0 ? MARKER.exec(lines[i]!) : null;
  if (!match) return undefined;
  if (match[1] === "fragment") return { kind: "fragment", reason: match[2]! };
  const firstLine = lines[fence + 1] ?? "";
  const named = FILE_COMMENT.exec(firstLine.trim())?.[1];
  const targets = match[2]!
    .split(/\s+/)
    .filter(Boolean)
    .map((token) => {
      const [group, file] = token.split(":") as [string, string | undefined];
      return { group, file: file ?? named ?? "main.ts" };
    });
  return { kind: "compile", targets };
}
