import { STATUSES_BY_SEVERITY, severityRank } from './token-status';

/**
 * `severityRank(token_status)` in SQL, generated from the one ordered list of statuses. The text
 * equals the expression of ix_oauth_tokens_fleet_order (migration IndexFleetOrder), so an ORDER BY
 * on it is a range scan of that index; an index expression cannot take parameters, hence values
 * spelled into the text rather than passed.
 */
export const STATUS_RANK_SQL = `(CASE token_status ${STATUSES_BY_SEVERITY.filter((status) => severityRank(status) > 0)
  .map((status) => `WHEN '${status}' THEN ${severityRank(status)}`)
  .join(' ')} ELSE 0 END)`;
