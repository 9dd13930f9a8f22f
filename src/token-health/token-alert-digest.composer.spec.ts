import { AlertAudience, AlertSeverity } from '../alerting/alert';
import { AppConfig } from '../config/app-config';
import { TokenStatus } from '../oauth/token-status';
import { AlertableToken } from './token-alert.composer';
import { TokenAlertDigestComposer } from './token-alert-digest.composer';

function aToken(overrides: Partial<AlertableToken> = {}): AlertableToken {
  return { clientId: 'acme', provider: 'zoho', status: TokenStatus.Invalid, error: 'invalid_code', lastAlertStatus: null, ...overrides };
}

function many(count: number, overrides: Partial<AlertableToken> = {}): AlertableToken[] {
  return Array.from({ length: count }, (_, i) => aToken({ clientId: `tenant-${i}`, ...overrides }));
}

describe(TokenAlertDigestComposer.name, () => {
  const sut = new TokenAlertDigestComposer({ publicBaseUrl: 'https://th.example' } as AppConfig);

  it('counts the connections that need re-authorization in the title', () => {
    expect(sut.compose('alert', many(23)).title).toBe('23 connections need re-authorization');
  });

  it('says "need attention" when some failed for another reason than a dead or expiring grant', () => {
    const tokens = [...many(20), aToken({ clientId: 'x', status: TokenStatus.RefreshFailed })];

    expect(sut.compose('alert', tokens).title).toBe('21 connections need attention');
  });

  it('words a reminder digest as a reminder', () => {
    expect(sut.compose('reminder', many(21)).title).toBe('Reminder: 21 connections still need re-authorization');
  });

  it('words a recovery digest as good news, at info severity', () => {
    const digest = sut.compose('resolved', many(21, { status: TokenStatus.Healthy, error: null }));

    expect(digest.title).toBe('21 connections are healthy again');
    expect(digest.severity).toBe(AlertSeverity.Info);
  });

  it('takes the most severe status of its connections as its severity', () => {
    const tokens = [...many(20, { status: TokenStatus.Expiring }), aToken({ clientId: 'dead' })];

    expect(sut.compose('alert', tokens).severity).toBe(AlertSeverity.Critical);
  });

  it('lists ten connections and counts the rest', () => {
    const { message } = sut.compose('alert', many(23));

    expect(message).toContain('- tenant-9/zoho: Dead grant: the customer must re-authorize');
    expect(message).not.toContain('tenant-10/');
    expect(message).toContain('...and 13 more.');
  });

  it('links to the console filtered by each status it covers', () => {
    const tokens = [...many(20), aToken({ clientId: 'x', status: TokenStatus.RefreshFailed })];
    const digest = sut.compose('alert', tokens);

    expect(digest.message).toContain('https://th.example/admin?status=invalid https://th.example/admin?status=refresh_failed');
    expect(digest.actionUrl).toBe('https://th.example/admin?status=invalid');
  });

  it('tells only the owners of dead grants to re-authorize, and says provider failures are retried', () => {
    const failing = many(21, { status: TokenStatus.RefreshFailed, error: 'Refresh failed, will retry: HTTP 500' });

    const onlyFailing = sut.compose('alert', failing).message;
    const mixed = sut.compose('alert', [...failing, aToken({ clientId: 'dead' })]).message;

    expect(onlyFailing).toContain('What to do: provider failures are retried automatically at the next checks.');
    expect(onlyFailing).not.toMatch(/re-authoriz/i);
    expect(mixed).toContain('re-authorize link');
  });

  it('is for people only, as a digest event', () => {
    expect(sut.compose('alert', many(21))).toMatchObject({ audience: AlertAudience.People, event: 'digest' });
  });
});
