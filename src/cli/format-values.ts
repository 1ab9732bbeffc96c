import type { UserId } from "../session-store.js";

/** A UTC timestamp to the second: `2026-11-21 09:30:00Z`. */
export function formatTime(date: Date): string {
  return date.toISOString().replace("T", " ").replace(/\.\d{3}Z$/, "Z");
}

/** A user id, or `-` for an anonymous session. */
export function formatUser(userId: UserId | null): string {
  return userId === null ? "-" : String(userId);
}

/** Bytes in binary units (`48.0 KiB`), or `unknown`. */
export function formatBytes(bytes: number | null): string {
  if (bytes === null) return "unknown";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** `1 session`, `2 sessions`. */
export function countOf(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
