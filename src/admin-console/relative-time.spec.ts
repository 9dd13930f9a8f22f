import { absoluteTime, relativeTime } from './relative-time';

const now = new Date('2026-11-27T12:00:00Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);

describe('relativeTime', () => {
  it.each([
    [3, 'just now'],
    [45, '45 seconds ago'],
    [60, '1 min ago'],
    [3 * 60 + 20, '3 min ago'],
    [3600, '1 hour ago'],
    [5 * 3600, '5 hours ago'],
    [86_400, '1 day ago'],
    [40 * 86_400, '1 month ago'],
    [800 * 86_400, '2 years ago'],
  ])('shows %d seconds in the past as "%s"', (seconds, expected) => {
    expect(relativeTime(ago(seconds), now)).toBe(expected);
  });

  it('shows a future time with "in"', () => {
    expect(relativeTime(ago(-2 * 3600), now)).toBe('in 2 hours');
  });
});

describe('absoluteTime', () => {
  it('shows UTC to the second', () => {
    expect(absoluteTime(new Date('2026-11-27T09:05:03.456Z'))).toBe('2026-11-27 09:05:03 UTC');
  });
});
