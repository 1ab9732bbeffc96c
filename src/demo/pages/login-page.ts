import type { User } from "../../../generated/prisma/client.js";
import { html, type SafeHtml } from "../html.js";
import { csrfField, type PageContext } from "./layout.js";

/** The login form: pick one of the seeded users (the demo has no passwords). */
export function loginPage(context: PageContext, users: readonly User[]): SafeHtml {
  return html`<p class="lead">The demo has no passwords: pick a seeded user. Logging in stores the user's id as a foreign key
in the session row and issues a new token, so a token planted before login (session fixation) stops working.</p>
<div class="grid">
  <section class="card">
    <h2>Log in</h2>
    <form method="post" action="/login">
      ${csrfField(context)}
      <label for="user">User</label>
      <div class="row">
        <select id="user" name="userId">
          ${users.map((user) => html`<option value="${user.id}"${context.user?.id === user.id ? html` selected` : ""}>${user.name} (${user.email})</option>`)}
        </select>
        <button id="login-button">Log in</button>
      </div>
    </form>
  </section>
  <section class="card">
    <h2>Watch the token rotate</h2>
    <p class="muted">Session id now:</p>
    <p>${context.sessionStored ? html`<code id="session-id-before">${context.sessionId}</code>` : html`<span id="session-id-before" class="muted">none stored yet: looking at pages stores nothing</span>`}</p>
    <p class="muted">After you log in, the message on the next page shows the old and the new id.</p>
    <pre>await req.session.setUser(user);
res.redirect("/");</pre>
  </section>
</div>
`;
}
