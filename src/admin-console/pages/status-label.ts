import { TokenStatus } from '../../oauth/token-status';
import { html, SafeHtml } from '../html';
import { absoluteTime, relativeTime } from '../relative-time';

export const STATUS_LABELS: Record<TokenStatus, string> = {
  [TokenStatus.Invalid]: 'Invalid',
  [TokenStatus.RefreshFailed]: 'Refresh failed',
  [TokenStatus.Expiring]: 'Expiring',
  [TokenStatus.Healthy]: 'Healthy',
};

/** Worst first, as the fleet is ordered. */
export const STATUSES_WORST_FIRST = [TokenStatus.Invalid, TokenStatus.RefreshFailed, TokenStatus.Expiring, TokenStatus.Healthy];

export function statusBadge(status: TokenStatus): SafeHtml {
  return html`<span class="status status-${status}">${STATUS_LABELS[status] ?? status}</span>`;
}

/** "3 min ago" with the absolute time on hover; "never" for no date. */
export function timeAgo(date: Date | null | undefined, now: Date): SafeHtml {
  if (!date) return html`<span>never</span>`;
  return html`<time datetime="${date.toISOString()}" title="${absoluteTime(date)}">${relativeTime(date, now)}</time>`;
}
