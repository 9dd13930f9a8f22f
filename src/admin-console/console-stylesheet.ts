/** The console's only stylesheet, served from <console path>/assets/console.css (a file, so the CSP needs no inline style). */
export const CONSOLE_STYLESHEET = `
:root { --fg: #1d232a; --muted: #5b6570; --line: #d9dee3; --bg: #f6f7f9; --card: #fff; --accent: #1f5fbf;
  --bad: #b42318; --warn: #b54708; --soon: #8a6d00; --ok: #067647; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; align-items: center; justify-content: space-between; padding: .75rem 2rem; background: #101828; color: #fff; }
header a { color: #fff; text-decoration: none; font-weight: 600; }
header form { margin: 0; }
main { max-width: 1200px; margin: 0 auto; padding: 1.5rem 2rem 3rem; }
h1 { font-size: 1.5rem; margin: 0 0 1rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .75rem; }
a { color: var(--accent); }
button, .button { font: inherit; padding: .45rem .9rem; border: 1px solid var(--accent); border-radius: 6px; background: var(--accent); color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: var(--accent); }
header button { background: transparent; border-color: #667085; color: #fff; }
input, select { font: inherit; padding: .4rem .5rem; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
label { font-weight: 600; margin-right: .4rem; }
.banner { padding: .75rem 1rem; margin-bottom: 1rem; border-radius: 6px; background: #fef3f2; border: 1px solid #fecdca; color: var(--bad); font-weight: 600; }
.notice { padding: .75rem 1rem; margin-bottom: 1rem; border-radius: 6px; background: #ecfdf3; border: 1px solid #abefc6; }
.error { color: var(--bad); font-weight: 600; }
.cards { display: grid; grid-template-columns: repeat(5, 1fr); gap: 1rem; margin-bottom: 1.5rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .9rem 1rem; }
.card .count { display: block; font-size: 1.6rem; font-weight: 700; }
.card .label { color: var(--muted); }
.filters { display: flex; gap: 1.25rem; align-items: center; margin-bottom: 1rem; flex-wrap: wrap; }
table { width: 100%; border-collapse: collapse; background: var(--card); border: 1px solid var(--line); border-radius: 8px; }
th, td { text-align: left; padding: .55rem .75rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: .85rem; text-transform: uppercase; letter-spacing: .03em; color: var(--muted); background: #fbfcfd; }
td.error-text { color: var(--muted); max-width: 28rem; overflow-wrap: anywhere; }
.status { display: inline-block; padding: .1rem .55rem; border-radius: 999px; font-size: .85rem; font-weight: 600; background: #f2f4f7; }
.status-invalid { color: var(--bad); background: #fef3f2; }
.status-refresh_failed { color: var(--warn); background: #fffaeb; }
.status-expiring { color: var(--soon); background: #fefbe8; }
.status-healthy { color: var(--ok); background: #ecfdf3; }
time { border-bottom: 1px dotted var(--muted); cursor: help; }
nav.pages { display: flex; gap: 1rem; justify-content: flex-end; margin-top: 1rem; }
dl.report { display: grid; grid-template-columns: 12rem 1fr; gap: .4rem 1rem; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1rem; }
dl.report dt { color: var(--muted); }
dl.report dd { margin: 0; overflow-wrap: anywhere; }
.actions { display: flex; gap: .75rem; margin: 1rem 0; }
.actions form { margin: 0; }
.link-box { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1rem; overflow-wrap: anywhere; }
.login { max-width: 24rem; margin: 4rem auto; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1.5rem; }
.login input { width: 100%; margin: .4rem 0 1rem; }
.empty { padding: 1.5rem; text-align: center; color: var(--muted); }
header nav { display: flex; gap: 1.25rem; margin-right: auto; margin-left: 2rem; }
header nav a { font-weight: 400; }
.key-form { display: grid; gap: .9rem; max-width: 40rem; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1rem; }
.key-form fieldset { border: 1px solid var(--line); border-radius: 6px; display: grid; gap: .35rem; }
.key-form fieldset label { font-weight: 400; }
.key-form button { justify-self: start; }
td form { margin: 0; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
`;
