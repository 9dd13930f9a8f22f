import { CAUSE_SUMMARIES, errorDetail, failureCauseOf } from '../../oauth/failure-cause';
import { adviceFor } from '../../token-health/alert-advice';
import { TokenHealthReport } from '../../token-health/token-health-report';
import { TokenHealthEvent } from '../../token-history/token-health-event';
import { html } from '../html';
import { layout } from './layout';
import { STATUS_LABELS, statusBadge, timeAgo } from './status-label';

export interface ConnectionView {
  base: string;
  logoutCsrf?: string;
  csrf: string;
  report: TokenHealthReport;
  history: TokenHealthEvent[];
  /** A freshly signed connect link, after "Re-authorize link". */
  connectLink?: string;
  notice?: string;
  /** When the periodic check runs next, for the advice on provider failures. */
  nextCheckAt?: Date;
  now: Date;
}

const SOURCE_LABELS: Record<string, string> = {
  check: 'Health check',
  register: 'Registered',
  connect: 'Connect flow',
  access: 'Token hand-out',
};

export function connectionPage(view: ConnectionView): string {
  const { report, now } = view;
  const cause = failureCauseOf(report.status, report.error);
  const subject = { clientId: report.clientId, provider: report.provider, nextCheckAt: view.nextCheckAt };
  const hidden = html`<input type="hidden" name="_csrf" value="${view.csrf}">
<input type="hidden" name="clientId" value="${report.clientId}">
<input type="hidden" name="provider" value="${report.provider}">`;
  return layout(
    { title: `${report.clientId} / ${report.provider}`, base: view.base, logoutCsrf: view.logoutCsrf },
    html`<p><a href="${view.base}">← All connections</a></p>
<h1>${report.clientId} <small>/ ${report.provider}</small></h1>
${view.notice ? html`<p class="notice" role="status">${view.notice}</p>` : null}
<dl class="report" aria-label="Report">
<dt>Status</dt><dd>${statusBadge(report.status)}</dd>
<dt>Last check</dt><dd>${timeAgo(report.lastHealthCheck, now)}</dd>
<dt>Last refresh</dt><dd>${timeAgo(report.lastRefresh, now)}</dd>
<dt>Access token expires</dt><dd>${timeAgo(report.accessTokenExpiresAt, now)}</dd>
${cause ? html`<dt>Cause</dt><dd data-cause="${cause}">${CAUSE_SUMMARIES[cause]}</dd>` : null}
${cause ? html`<dt>What to do</dt><dd>${adviceFor(cause, subject, 'the Re-authorize link button below')}</dd>` : null}
<dt>Error</dt><dd class="error-text">${errorDetail(report.error) ?? '—'}</dd>
</dl>
<div class="actions">
<form method="post" action="${view.base}/connection/check">${hidden}<button type="submit">Check now</button></form>
<form method="post" action="${view.base}/connection/connect-link">${hidden}<button type="submit" class="secondary">Re-authorize link</button></form>
</div>
${
  view.connectLink
    ? html`<section class="link-box" aria-label="Connect link">
<p>Send this link to the customer: it opens the ${report.provider} sign-in and stores the new authorization. It expires; anyone holding it can re-connect this client.</p>
<p><a href="${view.connectLink}" rel="noreferrer">${view.connectLink}</a></p>
</section>`
    : null
}
<h2>History</h2>
<table aria-label="History">
<thead><tr><th scope="col">When</th><th scope="col">From</th><th scope="col">To</th><th scope="col">By</th><th scope="col">Error</th></tr></thead>
<tbody>
${view.history.length === 0 ? html`<tr><td colspan="5" class="empty">No status changes recorded.</td></tr>` : null}
${view.history.map(
  (event) => html`<tr>
<td>${timeAgo(event.at, now)}</td>
<td>${event.fromStatus ? STATUS_LABELS[event.fromStatus] : '—'}</td>
<td>${statusBadge(event.toStatus)}</td>
<td>${SOURCE_LABELS[event.source] ?? event.source}</td>
<td class="error-text">${errorDetail(event.error) ?? ''}</td>
</tr>`,
)}
</tbody>
</table>`,
  );
}
