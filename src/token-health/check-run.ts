import { CycleSummary } from './check-cycle.runner';

/** What the APIs show of one full cycle. */
export interface CheckRun {
  startedAt: Date;
  finishedAt: Date;
  checked: number;
  refreshed: number;
  failed: number;
}

export function checkRunOf({ startedAt, finishedAt, classifiedWithoutCall, refreshed, failed }: CycleSummary): CheckRun {
  return { startedAt, finishedAt, checked: classifiedWithoutCall + refreshed + failed, refreshed, failed };
}
