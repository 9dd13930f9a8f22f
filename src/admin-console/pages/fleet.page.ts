import { CAUSE_SUMMARIES, failureCauseOf } from '../../oauth/failure-cause';
import { TokenStatus } from '../../oauth/token-status';
import { FleetPage, FleetSummary } from '../../token-health/fleet.service';
import { html } from '../html';
import { layout } from './layout';
import { STATUS_LABELS, STATUSES_WORST_FIRST, statusBadge, timeAgo } from './status-label';

export interface FleetView {
  base: string;
  logoutCsrf?: string;
  summary: FleetSummary;
  page: FleetPage;
  status?: TokenStatus;
  search?: string;
  searchHint: string;
  now: Date;
}

export function connectionHref(base: string, clientId: string, provider: string): string {
  return `${base}/connection?${new URLSearchParams({ clientId, provider }).toString()}`;
}

export function fleetPage(view: FleetView): string {
  const { summary, page, now } = view;
  const countOf = (status: TokenStatus) => summary.byStatus.find((row) => row.status === status)?.count ?? 0;
  const pageHref = (cursor: { after?: string; before?: string }) => {
    const query = new URLSearchParams();
    if (view.status) query.set('status', view.status);
    if (view.search) query.set('search', view.search);
    if (cursor.after) query.set('after', cursor.after);
    if (cursor.before) query.set('before', cursor.before);
    return `${view.base}?${query.toString()}`;
  };
  const { pageInfo } = page;
  return layout(
    { title: 'Connections', base: view.base, logoutCsrf: view.logoutCsrf },
    html`<h1>Connections</h1>
${summary.throttling.map((throttle) => html`<div class="banner" role="status">Provider throttling: ${throttle.message}.</div>`)}
${summary.outages.map(
  (outage) => html`<div class="banner" role="alert">Provider outage: ${outage.provider} has been failing since ${timeAgo(outage.since, now)}
(${outage.failures} failed refreshes). Connections of ${outage.provider} are not alerted one by one meanwhile.</div>`,
)}
${
  summary.alertChannels.length === 0
    ? html`<div class="banner" role="alert">No alert channel is configured: nobody is told when a connection breaks. Alerts stay due and go out once a channel is set (SLACK_WEBHOOK_URL, SMTP_URL, TWILIO_*, ALERT_WEBHOOK_URL).</div>`
    : html`<p>Alert channels: ${summary.alertChannels.join(', ')}.</p>`
}
<section class="cards" aria-label="Summary">
<div class="card"><span class="count">${summary.total}</span><span class="label">Total</span></div>
${STATUSES_WORST_FIRST.map((status) => html`<div class="card"><span class="count">${countOf(status)}</span><span class="label">${STATUS_LABELS[status]}</span></div>`)}
</section>
${
  summary.lastCycle
    ? html`<p>Last check cycle finished ${timeAgo(summary.lastCycle.finishedAt, now)}: ${summary.lastCycle.checked} checked, ${summary.lastCycle.refreshed} refreshed, ${summary.lastCycle.failed} failed. Unhealthy now: ${summary.unhealthy}.</p>`
    : null
}
<form method="get" action="${view.base}" class="filters">
<div><label for="status">Status</label>
<select id="status" name="status">
<option value="">All</option>
${STATUSES_WORST_FIRST.map((status) => html`<option value="${status}"${view.status === status ? html` selected` : null}>${STATUS_LABELS[status]}</option>`)}
</select></div>
<div><label for="search">Search</label>
<input type="search" id="search" name="search" value="${view.search ?? ''}" placeholder="${view.searchHint}" maxlength="255"></div>
<button type="submit">Apply</button>
${view.status || view.search ? html`<a href="${view.base}">Clear</a>` : null}
</form>
<table>
<thead><tr><th scope="col">Client</th><th scope="col">Provider</th><th scope="col">Status</th><th scope="col">Last check</th><th scope="col">Error</th></tr></thead>
<tbody>
${page.edges.length === 0 ? html`<tr><td colspan="5" class="empty">No connections match.</td></tr>` : null}
${page.edges.map(
  ({ node }) => html`<tr>
<td><a href="${connectionHref(view.base, node.clientId, node.provider)}">${node.clientId}</a></td>
<td>${node.provider}</td>
<td>${statusBadge(node.status)}</td>
<td>${timeAgo(node.lastHealthCheck, now)}</td>
<td class="error-text">${errorSummary(node.status, node.error)}</td>
</tr>`,
)}
</tbody>
</table>
<nav class="pages" aria-label="Pages">
${pageInfo.hasPreviousPage && pageInfo.startCursor ? html`<a href="${pageHref({ before: pageInfo.startCursor })}">Previous</a>` : null}
${pageInfo.hasNextPage && pageInfo.endCursor ? html`<a href="${pageHref({ after: pageInfo.endCursor })}">Next</a>` : null}
</nav>`,
  );
}

// One line per row; the provider's own text is on the connection page.
function errorSummary(status: TokenStatus, error: string | null): string {
  const cause = failureCauseOf(status, error);
  return cause ? CAUSE_SUMMARIES[cause] : '';
}
