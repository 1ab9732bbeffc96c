import type { Preferences } from "../demo-session.js";
import { html, type SafeHtml } from "../html.js";
import { csrfField, type PageContext } from "./layout.js";

const THEMES: Preferences["theme"][] = ["light", "dark"];
const ACCENTS: Preferences["accent"][] = ["blue", "green", "purple"];

/** A small "app" that keeps its keys in its own namespace of the session. */
export function preferencesPage(context: PageContext, stored: Record<string, unknown>): SafeHtml {
  const { theme, accent } = context.preferences;
  return html`<p class="lead">Several apps can share one session without stepping on each other: this page keeps its keys in
<code>session.namespace("preferences")</code>. Its <code>theme</code> key cannot collide with a plain
<code>theme</code> key or with another app's namespace, and parallel requests changing different keys are merged key by key.</p>
<div class="grid">
  <section class="card">
    <h2>Appearance</h2>
    <form method="post" action="/preferences">
      ${csrfField(context)}
      <fieldset><legend>Theme</legend>
        ${THEMES.map((value) => html`<label class="choice"><input type="radio" name="theme" value="${value}"${value === theme ? html` checked` : ""}> ${value}</label>`)}
      </fieldset>
      <fieldset><legend>Accent colour</legend>
        ${ACCENTS.map((value) => html`<label class="choice"><input type="radio" name="accent" value="${value}"${value === accent ? html` checked` : ""}> ${value}</label>`)}
      </fieldset>
      <button id="save-preferences">Save preferences</button>
    </form>
  </section>
  <section class="card">
    <h2>What the namespace holds</h2>
    <pre id="preferences-data">${JSON.stringify(stored, null, 2)}</pre>
    <pre>const prefs = req.session.namespace("preferences");
prefs.set("theme", "dark");</pre>
  </section>
</div>
`;
}
