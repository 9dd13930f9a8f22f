import { dueRules } from './token-due.sql';

/**
 * A row a whole-fleet sweep found unchanged is not written; the sweep's row in
 * `token_health_sweeps` stands for its check. The effective `last_health_check` of a row is
 * the later of its own column and the newest sweep that examined it without needing a provider
 * call: started after the row was created and after its column, with the row not due for a
 * refresh at the sweep's time under the sweep's rules. The facts those rules read change only
 * together with `last_health_check`, so judging them as stored now is judging them as they were.
 * Once due, a row stays due until it is written, so the walk back from the newest sweep is short.
 */
export function effectiveLastHealthCheckSql(table: string): string {
  const row = `${table}.`;
  const atSweep = dueRules({
    now: 'sweep.started_at',
    windowMinutes: 'sweep.expiry_window_minutes',
    minIntervalMinutes: 'sweep.min_refresh_interval_minutes',
    row,
  });
  const neededCall = `(${atSweep.needsRefresh} AND NOT ${atSweep.attemptedRecently})`;
  return `GREATEST(${row}last_health_check, (SELECT sweep.started_at FROM token_health_sweeps sweep
     WHERE sweep.started_at > COALESCE(${row}last_health_check, '-infinity'::timestamptz)
       AND sweep.started_at >= ${row}created_at
       AND NOT ${neededCall}
     ORDER BY sweep.started_at DESC LIMIT 1))`;
}
