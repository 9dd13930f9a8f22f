import { scheduleGapWarning, scheduleOutlook } from './schedule-outlook';

describe(scheduleOutlook.name, () => {
  // A Wednesday, in the local time zone the schedule runs in.
  const now = new Date(2026, 2, 4, 10, 7, 0);
  const local = (hours: number, minutes: number, day = 4) => new Date(2026, 2, day, hours, minutes, 0);

  it('reads 6 fields with seconds first', () => {
    const sut = scheduleOutlook('0 */30 * * * *', now);

    expect(sut.nextRuns).toEqual([local(10, 30), local(11, 0)]);
    expect(sut.longestGapMs).toBe(30 * 60_000);
  });

  it("gives a 5-field line crontab's meaning: */30 in the hour field is daily at 00:00", () => {
    const sut = scheduleOutlook('0 */30 * * *', now);

    expect(sut.nextRuns).toEqual([local(0, 0, 5), local(0, 0, 6)]);
    expect(sut.longestGapMs).toBe(24 * 3_600_000);
  });

  it('reads the crontab line for every 30 minutes as such', () => {
    expect(scheduleOutlook('*/30 * * * *', now).nextRuns).toEqual([local(10, 30), local(11, 0)]);
  });

  it('sees the night between the working hours of a weekday schedule', () => {
    expect(scheduleOutlook('0 9-17 * * 1-5', now).longestGapMs).toBeGreaterThanOrEqual(16 * 3_600_000);
  });
});

describe(scheduleGapWarning.name, () => {
  it('warns when runs are further apart than the expiry window', () => {
    expect(scheduleGapWarning('0 */30 * * *', 24 * 3_600_000, 60)).toBe(
      'TOKEN_HEALTH_CRON "0 */30 * * *" leaves up to 24 h between checks, longer than TOKEN_HEALTH_EXPIRY_WINDOW_MINUTES=60: access tokens can expire unchecked in between',
    );
  });

  it('is silent when every gap fits in the window', () => {
    expect(scheduleGapWarning('0 */30 * * * *', 30 * 60_000, 60)).toBeUndefined();
    expect(scheduleGapWarning('0 0 * * * *', 60 * 60_000, 60)).toBeUndefined();
  });
});
