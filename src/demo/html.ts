/** HTML that is already escaped: interpolated into {@link html} as is. */
export class SafeHtml {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  if (value === null || value === undefined || value === false) return "";
  return String(value).replace(/[&<>"']/g, (char) => ESCAPES[char]!);
}

/**
 * Tagged template for server-rendered HTML: every interpolated value is escaped unless it is
 * itself `html` (a {@link SafeHtml}); arrays are concatenated; `null`, `undefined` and `false` render
 * as nothing, so `${cond && html`...`}` works.
 *
 * @example html`<p>Hello ${user.name}</p>`
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((value, index) => {
    out += render(value) + strings[index + 1]!;
  });
  return new SafeHtml(out);
}
