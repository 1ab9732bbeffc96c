import { formatTime, relativeTime } from "../format.js";
import { html, type SafeHtml } from "../html.js";
import { csrfField, type PageContext } from "./layout.js";

/** What the home page shows about the current session. */
export interface HomeView {
  views: number;
  userId: number | null;
  isNew: boolean;
  version: number;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  absoluteExpiresAt: Date;
  /** The session's plain keys, secrets redacted. */
  data: Record<string, unknown>;
  now: number;
}

/** The visit counter and a look inside the session row. */
export function homePage(context: PageContext, view: HomeView): SafeHtml {
  return html`<p class="lead">Every page here is plain server-rendered HTML; everything it remembers about you lives in one
session row in ${context.databaseLabel}.</p>
<div class="grid">
  <section class="card">
    <h2>This browser's count</h2>
    <div class="big" id="visit-count">${view.views}</div>
    <p class="muted">visit${view.views === 1 ? "" : "s"} to this page in this browser session.
    ${view.isNew
      ? "Looking stores nothing: the count starts once this browser has a session (log in, add to the cart or save preferences)."
      : "Reload to count up; another browser (or a private window) has its own count."}</p>
    <pre>req.session.update("views", (n) =&gt; (n ?? 0) + 1);</pre>
    <form method="post" action="/counter/reset">${csrfField(context)}<button class="secondary">Reset counter</button></form>
  </section>
  <section class="card">
    <h2>Your session row</h2>
    <dl class="facts">
      <dt>id</dt><dd><code id="session-id">${context.sessionId}</code></dd>
      <dt>user</dt><dd>${context.user ? html`${context.user.name} <span class="muted">(userId ${view.userId})</span>` : html`<span class="muted">none (anonymous)</span>`}</dd>
      <dt>version</dt><dd>${view.isNew ? html`<span class="muted">not stored yet</span>` : view.version} <span class="muted">when loaded</span></dd>
      <dt>created</dt><dd>${formatTime(view.createdAt)}</dd>
      <dt>last seen</dt><dd>${relativeTime(view.lastSeenAt, view.now)}</dd>
      <dt>idle expiry</dt><dd>${relativeTime(view.expiresAt, view.now)}</dd>
      <dt>absolute expiry</dt><dd>${formatTime(view.absoluteExpiresAt)}</dd>
    </dl>
  </section>
</div>
<section class="card">
  <h2>Session data</h2>
  <p class="muted">The <code>data</code> JSON column (plain keys; namespaces and flash messages are kept apart).
  The id above is the SHA-256 of the token in your cookie: the token itself is never stored.</p>
  <pre id="session-data">${JSON.stringify(view.data, null, 2)}</pre>
</section>
`;
}
