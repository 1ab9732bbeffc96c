import type { User } from "../../../generated/prisma/client.js";
import { CSRF_FIELD } from "../csrf-field.js";
import type { Preferences } from "../demo-session.js";
import { shortId } from "../format.js";
import { html, type SafeHtml } from "../html.js";

/** A flash message queued by an earlier request. */
export interface Flash {
  kind: "success" | "info" | "error";
  message: string;
}

/** What every page needs to know about the request. */
export interface PageContext {
  path: string;
  /** The signed-in user; `undefined` on error pages, which do not look at the session. */
  user: User | null | undefined;
  admin: boolean;
  /** Whether the visitor's session is stored (a visitor who only looked has none). */
  sessionStored: boolean;
  csrfToken: string;
  flashes: Flash[];
  preferences: Preferences;
  sessionId: string;
  databaseLabel: string;
}

const NAV = [
  ["/", "Counter"],
  ["/cart", "Cart"],
  ["/preferences", "Preferences"],
  ["/sessions", "Your sessions"],
  ["/admin", "Admin"],
] as const;

/** The hidden field that carries the CSRF token in every form. */
export function csrfField(context: PageContext): SafeHtml {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${context.csrfToken}">`;
}

/** The page frame: navigation, login state, flash messages, footer. */
export function layout(context: PageContext, title: string, body: SafeHtml): SafeHtml {
  const { user, preferences } = context;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · sessionrow demo</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/demo.css">
</head>
<body class="theme-${preferences.theme} accent-${preferences.accent}">
<header class="topbar"><div class="wrap">
  <a class="brand" href="/">sessionrow <span>demo</span></a>
  <nav>${NAV.map(
    ([href, label]) => html`<a href="${href}"${context.path === href ? html` aria-current="page"` : ""}>${label}</a>`,
  )}</nav>
  <div class="who">${
    user === undefined
      ? ""
      : user
      ? html`<span>Signed in as <strong id="current-user">${user.name}</strong></span>
      <form class="inline" method="post" action="/logout">${csrfField(context)}<button class="secondary small">Log out</button></form>`
      : html`<span id="current-user-none">Not signed in</span> <a class="button small" href="/login">Log in</a>`
  }</div>
</div></header>
<main class="wrap">
${context.flashes.map(({ kind, message }) => html`<div class="flash flash-${kind}" role="status">${message}</div>`)}
<h1>${title}</h1>
${body}
</main>
<footer class="wrap">${context.sessionId ? html`Session <code>${shortId(context.sessionId)}</code> · ` : ""}sessions stored in ${context.databaseLabel} by sessionrow</footer>
</body>
</html>
`;
}
