import { ApiKey } from '../../auth/api-key';
import { API_SCOPES, ApiScope } from '../../auth/api-scope';
import { html } from '../html';
import { layout } from './layout';
import { timeAgo } from './status-label';

export interface ApiKeysPage {
  base: string;
  logoutCsrf?: string;
  csrf: string;
  keys: ApiKey[];
  /** A key just created: the only page that ever shows it. */
  created?: { key: string; apiKey: ApiKey };
  notice?: string;
  error?: string;
  /** What the create form held when it was refused, so it is not typed again. */
  form?: { name?: string; scopes?: string[]; expiresOn?: string };
  now: Date;
}

export const SCOPE_MEANINGS: Record<ApiScope, string> = {
  read: 'reports, fleet, summary, history',
  check: 'on-demand checks',
  connect: 'connect links',
  register: 'import token sets',
  admin: 'API keys and everything else',
};

export function apiKeysPage(view: ApiKeysPage): string {
  const { now } = view;
  const chosen = view.form?.scopes ?? [];
  return layout(
    { title: 'API keys', base: view.base, logoutCsrf: view.logoutCsrf },
    html`<p><a href="${view.base}">← All connections</a></p>
<h1>API keys</h1>
${view.notice ? html`<p class="notice" role="status">${view.notice}</p>` : null}
${view.error ? html`<p class="error" role="alert">${view.error}</p>` : null}
${
  view.created
    ? html`<section class="link-box" aria-label="New API key">
<p>API key “${view.created.apiKey.name}” created. Copy it now: it is shown only this once and cannot be recovered.</p>
<p><code>${view.created.key}</code></p>
</section>`
    : null
}
<h2>Create an API key</h2>
<form method="post" action="${view.base}/api-keys" class="key-form">
<input type="hidden" name="_csrf" value="${view.csrf}">
<div><label for="name">Name</label>
<input type="text" id="name" name="name" maxlength="100" required value="${view.form?.name ?? ''}"></div>
<fieldset><legend>Scopes</legend>
${API_SCOPES.map(
  (scope) =>
    html`<label><input type="checkbox" name="scopes" value="${scope}"${chosen.includes(scope) ? html` checked` : null}> ${scope} <small>(${SCOPE_MEANINGS[scope]})</small></label>`,
)}
</fieldset>
<div><label for="expiresOn">Expires on (UTC, optional)</label>
<input type="date" id="expiresOn" name="expiresOn" value="${view.form?.expiresOn ?? ''}"></div>
<button type="submit">Create key</button>
</form>
<h2>Keys</h2>
<table aria-label="API keys">
<thead><tr><th scope="col">Name</th><th scope="col">Id</th><th scope="col">Scopes</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Expires</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>
${view.keys.length === 0 ? html`<tr><td colspan="7" class="empty">No API keys yet.</td></tr>` : null}
${view.keys.map(
  (key) => html`<tr>
<td>${key.name}</td>
<td><code>${key.id}</code></td>
<td>${key.scopes.join(', ')}</td>
<td>${timeAgo(key.createdAt, now)}</td>
<td>${timeAgo(key.lastUsedAt, now)}</td>
<td>${key.expiresAt ? (key.expiresAt <= now ? html`expired ${timeAgo(key.expiresAt, now)}` : timeAgo(key.expiresAt, now)) : 'never'}</td>
<td><form method="post" action="${view.base}/api-keys/revoke"><input type="hidden" name="_csrf" value="${view.csrf}"><input type="hidden" name="id" value="${key.id}"><button type="submit" class="secondary">Revoke</button></form></td>
</tr>`,
)}
</tbody>
</table>`,
  );
}
