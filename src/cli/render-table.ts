/** A table column: its header, and whether values are right-aligned (numbers). */
export interface Column {
  header: string;
  align?: "left" | "right";
}

/** Rows under headers, each column as wide as its widest cell, two spaces apart; no trailing blanks. */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string[] {
  const widths = columns.map((column, index) => Math.max(column.header.length, ...rows.map((row) => (row[index] ?? "").length)));
  const line = (cells: readonly string[]) =>
    columns
      .map((column, index) => {
        const cell = cells[index] ?? "";
        return column.align === "right" ? cell.padStart(widths[index]!) : cell.padEnd(widths[index]!);
      })
      .join("  ")
      .trimEnd();
  return [line(columns.map((column) => column.header)), ...rows.map(line)];
}

/** `label  value` lines with the values aligned. */
export function renderFields(fields: readonly (readonly [string, string])[], indent = ""): string[] {
  const width = Math.max(...fields.map(([label]) => label.length));
  return fields.map(([label, value]) => `${indent}${label.padEnd(width)}  ${value}`.trimEnd());
}
