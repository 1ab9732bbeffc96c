import { formatTime, relativeTime, shortId } from "../format.js";
import { html, type SafeHtml } from "../html.js";
import { csrfField, type PageContext } from "./layout.js";

/** One row of the admin page. */
export interface AdminSessionRow {
  id: string;
  userName: string | null;
  version: number;
  dataKeys: string[];
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

/** What the admin page lists. */
export interface AdminView {
  rows: AdminSessionRow[];
  /** Whether more sessions exist than are listed. */
  truncated: boolean;
  now: number;
}

/** Every stored session, read with `sessions.iterate()`, and a button to prune the expired ones. */
export function adminPage(context: PageContext, view: AdminView): SafeHtml {
  const expired = view.rows.filter((row) => row.expiresAt.getTime() <= view.now).length;
  return html`<p class="lead">Every stored session, fetched in batches with <code>for await (const s of sessions.iterate())</code>:
what an admin tool or the <code>sessionrow</code> CLI sees. Expired rows stay until pruned.</p>
<section class="card">
  <div class="row">
    <span><strong id="session-count">${view.rows.length}${view.truncated ? "+" : ""}</strong> session${view.rows.length === 1 ? "" : "s"}${expired > 0 ? html`, ${expired} expired` : ""}</span>
    <form class="inline" method="post" action="/admin/prune">${csrfField(context)}<button class="secondary small">Prune expired sessions</button></form>
  </div>
</section>
<section class="card">
  <table id="all-sessions">
    <tr><th>Session</th><th>User</th><th>Data keys</th><th class="num">Version</th><th>Created</th><th>Last seen</th><th>Expires</th></tr>
    ${view.rows.map(
      (row) => html`<tr${row.id === context.sessionId ? html` class="current"` : ""}>
      <td><code>${shortId(row.id)}</code></td>
      <td>${row.userName ?? html`<span class="muted">anonymous</span>`}</td>
      <td>${row.dataKeys.length > 0 ? row.dataKeys.join(", ") : html`<span class="muted">none</span>`}</td>
      <td class="num">${row.version}</td>
      <td>${formatTime(row.createdAt)}</td>
      <td>${relativeTime(row.lastSeenAt, view.now)}</td>
      <td>${row.expiresAt.getTime() <= view.now ? html`<span class="badge bad">expired</span>` : relativeTime(row.expiresAt, view.now)}</td>
    </tr>`,
    )}
  </table>
  ${view.truncated ? html`<p class="muted">Showing the first ${view.rows.length}.</p>` : ""}
</section>
`;
}
