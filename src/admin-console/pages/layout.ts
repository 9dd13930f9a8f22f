import { html, SafeHtml } from '../html';

export interface LayoutOptions {
  title: string;
  /** Where the console is mounted, e.g. `/admin`. */
  base: string;
  /** The logged-in header's Log out form needs the session's CSRF token; absent: no Log out. */
  logoutCsrf?: string;
  /** The login page shows no links into the console. */
  signedOut?: boolean;
}

/** The frame of every console page: no script, one stylesheet served by the app. */
export function layout(options: LayoutOptions, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${options.title} · token-health</title>
<link rel="stylesheet" href="${options.base}/assets/console.css">
</head>
<body>
<header>
<a href="${options.base}">token-health</a>
${options.signedOut ? null : html`<nav aria-label="Console"><a href="${options.base}">Connections</a><a href="${options.base}/api-keys">API keys</a></nav>`}
${
  options.logoutCsrf
    ? html`<form method="post" action="${options.base}/logout"><input type="hidden" name="_csrf" value="${options.logoutCsrf}"><button type="submit">Log out</button></form>`
    : null
}
</header>
<main>
${body}
</main>
</body>
</html>
`.value;
}
