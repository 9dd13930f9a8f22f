import { CronTime } from 'cron';

// The cron library steps minute by minute (~0.1 ms each), so the look-ahead is bounded: 50 runs
// cover a day of a 30-minute schedule and a week of an hourly one, at most 8 days.
const RUNS_EXAMINED = 50;
const HORIZON_MS = 8 * 86_400_000;

export interface ScheduleOutlook {
  nextRuns: [Date, Date];
  /** Longest time between two consecutive runs among the next RUNS_EXAMINED runs (within HORIZON_MS). */
  longestGapMs: number;
}

/** When a cron expression (5 fields as crontab, or 6 with seconds first) runs next, and its longest pause. */
export function scheduleOutlook(cron: string, now = new Date()): ScheduleOutlook {
  const time = new CronTime(cron);
  const runs: number[] = [];
  let from = now;
  while (runs.length < RUNS_EXAMINED && (runs.length < 2 || runs[runs.length - 1] - runs[0] < HORIZON_MS)) {
    const next = time.getNextDateFrom(from).toJSDate();
    runs.push(next.getTime());
    from = next;
  }
  let longestGapMs = 0;
  for (let i = 1; i < runs.length; i++) longestGapMs = Math.max(longestGapMs, runs[i] - runs[i - 1]);
  return { nextRuns: [new Date(runs[0]), new Date(runs[1])], longestGapMs };
}

/** A warning when tokens could expire between two runs: the pause is longer than the window refreshes look ahead. */
export function scheduleGapWarning(cron: string, longestGapMs: number, expiryWindowMinutes: number): string | undefined {
  if (longestGapMs <= expiryWindowMinutes * 60_000) return undefined;
  return (
    `TOKEN_HEALTH_CRON "${cron}" leaves up to ${formatDuration(longestGapMs)} between checks, longer than ` +
    `TOKEN_HEALTH_EXPIRY_WINDOW_MINUTES=${expiryWindowMinutes}: access tokens can expire unchecked in between`
  );
}

export function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return `${Math.round(ms / 1000)} s`;
  if (minutes < 120) return `${minutes} min`;
  const hours = minutes / 60;
  return hours < 48 ? `${Math.round(hours * 10) / 10} h` : `${Math.round((hours / 24) * 10) / 10} days`;
}
