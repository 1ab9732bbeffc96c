/** The demo's whole stylesheet, served at /assets/demo.css (no inline styles: the CSP forbids them). */
export const DEMO_CSS = `
:root { color-scheme: light; }
body {
  --bg: #f6f7f9; --card: #ffffff; --text: #1d2330; --muted: #667085; --border: #e3e6eb;
  --code-bg: #f0f2f5; --accent: #2f6fde; --accent-soft: #e6efff;
  --ok: #1f7a4d; --ok-bg: #e5f5ec; --info: #295fa6; --info-bg: #e7f0fb; --err: #a8322d; --err-bg: #fbe9e8;
  margin: 0; background: var(--bg); color: var(--text);
  font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
body.theme-dark {
  color-scheme: dark;
  --bg: #14171d; --card: #1c2029; --text: #e6e8ee; --muted: #9aa3b2; --border: #2c3240;
  --code-bg: #262b37; --accent-soft: #23304a;
  --ok: #6fd49d; --ok-bg: #173526; --info: #8bb8f0; --info-bg: #1b2b44; --err: #f09590; --err-bg: #3d1d1c;
}
body.accent-green { --accent: #1f8a5b; }
body.theme-dark.accent-green { --accent: #4cc38a; }
body.accent-purple { --accent: #7c4dcc; }
body.theme-dark.accent-purple { --accent: #ad8cf0; }
body.theme-dark.accent-blue { --accent: #6ea0f5; }
.wrap { max-width: 960px; margin: 0 auto; padding: 0 20px; }
.topbar { background: var(--card); border-bottom: 1px solid var(--border); }
.topbar .wrap { display: flex; align-items: center; gap: 24px; min-height: 56px; flex-wrap: wrap; }
.brand { font-weight: 700; font-size: 17px; color: var(--text); text-decoration: none; }
.brand span { color: var(--accent); font-weight: 600; }
nav { display: flex; gap: 4px; flex: 1; flex-wrap: wrap; }
nav a { color: var(--muted); text-decoration: none; padding: 6px 10px; border-radius: 6px; }
nav a:hover { color: var(--text); background: var(--code-bg); }
nav a[aria-current="page"] { color: var(--accent); background: var(--accent-soft); font-weight: 600; }
.who { display: flex; align-items: center; gap: 10px; color: var(--muted); }
.who strong { color: var(--text); }
main.wrap { padding-top: 28px; padding-bottom: 40px; }
h1 { font-size: 26px; margin: 0 0 6px; }
h2 { font-size: 18px; margin: 0 0 12px; }
.lead { color: var(--muted); margin: 0 0 24px; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(280px, 1fr)); gap: 18px; }
.card { background: var(--card); border: 1px solid var(--border); border-radius: 10px; padding: 20px; margin-bottom: 18px; }
.card > :last-child { margin-bottom: 0; }
.big { font-size: 56px; font-weight: 700; line-height: 1.1; color: var(--accent); margin: 4px 0 8px; }
.muted { color: var(--muted); }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
code { background: var(--code-bg); padding: 1px 6px; border-radius: 4px; overflow-wrap: anywhere; }
pre { background: var(--code-bg); padding: 12px 14px; border-radius: 8px; overflow-x: auto; margin: 0 0 12px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 6px 16px; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: 9px 10px; border-bottom: 1px solid var(--border); vertical-align: middle; }
th { white-space: nowrap; color: var(--muted); font-weight: 600; font-size: 13px; text-transform: uppercase; letter-spacing: .03em; }
tr:last-child td { border-bottom: none; }
tr.current td { background: var(--accent-soft); }
.num { text-align: right; font-variant-numeric: tabular-nums; }
form.inline { display: inline; margin: 0; }
.row { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
label { display: block; font-weight: 600; margin-bottom: 6px; }
select, input[type="text"] {
  font: inherit; color: var(--text); background: var(--card); border: 1px solid var(--border);
  border-radius: 6px; padding: 7px 10px; min-width: 220px;
}
fieldset { border: none; padding: 0; margin: 0 0 16px; }
legend { font-weight: 600; margin-bottom: 6px; padding: 0; }
.choice { display: inline-flex; gap: 6px; align-items: center; font-weight: 400; margin-right: 16px; }
button, .button {
  white-space: nowrap; font: inherit; font-weight: 600; cursor: pointer; display: inline-block; text-decoration: none;
  background: var(--accent); color: #fff; border: 1px solid var(--accent); border-radius: 6px; padding: 7px 14px;
}
button:hover, .button:hover { filter: brightness(1.08); }
button.secondary, .button.secondary { background: transparent; color: var(--accent); }
button.danger { background: transparent; color: var(--err); border-color: var(--err); }
button.small { padding: 3px 10px; font-size: 13px; }
.flash { border-radius: 8px; padding: 10px 14px; margin-bottom: 16px; border: 1px solid transparent; }
.flash-success { background: var(--ok-bg); color: var(--ok); border-color: var(--ok); }
.flash-info { background: var(--info-bg); color: var(--info); border-color: var(--info); }
.flash-error { background: var(--err-bg); color: var(--err); border-color: var(--err); }
.badge { display: inline-block; font-size: 12px; font-weight: 600; padding: 1px 8px; border-radius: 999px; background: var(--code-bg); color: var(--muted); }
.badge.accent { background: var(--accent-soft); color: var(--accent); }
.badge.bad { background: var(--err-bg); color: var(--err); }
footer { color: var(--muted); font-size: 13px; padding: 0 20px 32px; }
`;
