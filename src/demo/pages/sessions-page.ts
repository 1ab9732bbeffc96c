import type { SessionRecord } from "../../session-store.js";
import { describeDevice, formatTime, relativeTime, shortId } from "../format.js";
import { html, type SafeHtml } from "../html.js";
import { csrfField, type PageContext } from "./layout.js";

/** "Your sessions": every live session of the user, with revoke buttons. */
export function sessionsPage(context: PageContext, sessions: readonly SessionRecord<number>[], now: number): SafeHtml {
  const others = sessions.filter((session) => session.id !== context.sessionId).length;
  return html`<p class="lead">Every browser you are signed in with, newest first: <code>sessions.listForUser(user.id)</code>.
Revoking one deletes its row, so that browser is signed out on its next request.</p>
<section class="card">
  <table id="sessions">
    <tr><th>Device</th><th>IP address</th><th>Started</th><th>Last seen</th><th>Expires</th><th></th></tr>
    ${sessions.map((session) => {
      const current = session.id === context.sessionId;
      return html`<tr data-session-id="${session.id}"${current ? html` class="current"` : ""}>
      <td>${describeDevice(session.userAgent)}
        <div class="muted"><code>${shortId(session.id)}</code> ${current ? html`<span class="badge accent">this browser</span>` : ""}</div></td>
      <td>${session.ipAddress ?? "unknown"}</td>
      <td>${formatTime(session.createdAt)}</td>
      <td>${relativeTime(session.lastSeenAt, now)}</td>
      <td>${relativeTime(session.expiresAt, now)}</td>
      <td class="num">${
        current
          ? html`<form class="inline" method="post" action="/logout">${csrfField(context)}<button class="secondary small">Log out</button></form>`
          : html`<form class="inline" method="post" action="/sessions/revoke">${csrfField(context)}<input type="hidden" name="id" value="${session.id}"><button class="danger small">Revoke</button></form>`
      }</td>
    </tr>`;
    })}
  </table>
</section>
${
  others > 0
    ? html`<form method="post" action="/sessions/revoke-others">${csrfField(context)}<button class="danger" id="revoke-others">Sign out all other sessions (${others})</button></form>
<pre>await sessions.revokeForUser(user.id, { except: req.session });</pre>`
    : html`<p class="muted">No other sessions. Log in as ${context.user?.name ?? "this user"} from another browser (or a private window) to see it here.</p>`
}
`;
}
