const UNITS: [limitSeconds: number, unitSeconds: number, name: string][] = [
  [60, 1, 'second'],
  [3600, 60, 'min'],
  [86_400, 3600, 'hour'],
  [30 * 86_400, 86_400, 'day'],
  [365 * 86_400, 30 * 86_400, 'month'],
  [Infinity, 365 * 86_400, 'year'],
];

/** "just now", "3 min ago", "in 2 hours": coarse on purpose; the exact time goes in a tooltip. */
export function relativeTime(date: Date, now: Date = new Date()): string {
  const seconds = Math.round((date.getTime() - now.getTime()) / 1000);
  const magnitude = Math.abs(seconds);
  if (magnitude < 10) return 'just now';
  const [, unit, name] = UNITS.find(([limit]) => magnitude < limit)!;
  const amount = Math.floor(magnitude / unit);
  const label = `${amount} ${name}${amount === 1 || name === 'min' ? '' : 's'}`;
  return seconds < 0 ? `${label} ago` : `in ${label}`;
}

/** The absolute form shown on hover: ISO 8601 in UTC, to the second. */
export function absoluteTime(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
