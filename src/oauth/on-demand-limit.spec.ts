import { onDemandCheckNotSent } from './on-demand-limit';

const NOW = new Date('2026-06-01T12:00:00.000Z');
const ZOHO = { requests: 10, perMinutes: 10 };
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);

describe(onDemandCheckNotSent.name, () => {
  it('sends when the provider documents no limit', () => {
    expect(onDemandCheckNotSent(ago(1), undefined, 'Google', NOW)).toBeUndefined();
  });

  it('sends when the connection was never asked for', () => {
    expect(onDemandCheckNotSent(null, ZOHO, 'Zoho', NOW)).toBeUndefined();
  });

  it('sends once an even share of the limit has passed', () => {
    expect(onDemandCheckNotSent(ago(60), ZOHO, 'Zoho', NOW)).toBeUndefined();
  });

  it('holds back within that share, saying when the next request is possible', () => {
    expect(onDemandCheckNotSent(ago(20), ZOHO, 'Zoho', NOW)).toEqual({
      reason:
        'Not sent: Zoho was asked for this connection 20 s ago; it allows 10 token requests per 10 minutes per refresh token; ' +
        'next possible at 2026-06-01T12:00:40.000Z',
      nextPossibleAt: new Date('2026-06-01T12:00:40.000Z'),
    });
  });
});
