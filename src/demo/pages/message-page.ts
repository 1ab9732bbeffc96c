import { html, type SafeHtml } from "../html.js";

/** The body of an error or "not allowed" page. */
export function messagePage(message: string, link?: { href: string; label: string }): SafeHtml {
  return html`<section class="card"><p id="message">${message}</p>${link ? html`<p><a class="button" href="${link.href}">${link.label}</a></p>` : ""}</section>`;
}
