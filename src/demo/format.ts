/** The first characters of a session id: enough to tell sessions apart on a page. */
export function shortId(id: string): string {
  return `${id.slice(0, 12)}…`;
}

/** `2026-11-21 14:03:22 UTC`. */
export function formatTime(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

const UNITS: [number, string][] = [
  [86_400_000, "day"],
  [3_600_000, "hour"],
  [60_000, "minute"],
  [1000, "second"],
];

/** `3 minutes ago`, `in 29 minutes`, `just now`. */
export function relativeTime(date: Date, now: number): string {
  const delta = date.getTime() - now;
  const size = Math.abs(delta);
  const unit = UNITS.find(([ms]) => size >= ms);
  if (!unit || size < 5000) return "just now";
  const count = Math.floor(size / unit[0]);
  const text = `${count} ${unit[1]}${count === 1 ? "" : "s"}`;
  return delta < 0 ? `${text} ago` : `in ${text}`;
}

const BROWSERS: [RegExp, string][] = [
  [/Edg\/(\d+)/, "Edge"],
  [/OPR\/(\d+)/, "Opera"],
  [/HeadlessChrome\/(\d+)/, "Headless Chrome"],
  [/Chrome\/(\d+)/, "Chrome"],
  [/Firefox\/(\d+)/, "Firefox"],
  [/Version\/(\d+).*Safari/, "Safari"],
  [/curl\/(\d+)/, "curl"],
];

const SYSTEMS: [RegExp, string][] = [
  [/Windows/, "Windows"],
  [/iPhone|iPad/, "iOS"],
  [/Mac OS X/, "macOS"],
  [/Android/, "Android"],
  [/CrOS/, "ChromeOS"],
  [/Linux/, "Linux"],
];

/** A short description of a User-Agent: `Chrome 131 on Linux`. */
export function describeDevice(userAgent: string | null): string {
  if (!userAgent) return "Unknown device";
  const browser = BROWSERS.map(([pattern, name]) => [pattern.exec(userAgent), name] as const).find(([match]) => match);
  const system = SYSTEMS.find(([pattern]) => pattern.test(userAgent))?.[1];
  const name = browser ? `${browser[1]} ${browser[0]![1]}` : userAgent.split(/[\s/]/)[0]!;
  return system ? `${name} on ${system}` : name;
}

/** `$12.00`. */
export function formatPrice(cents: number): string {
  return `$${(cents / 100).toFixed(2)}`;
}
