import { ConnectLinkService } from '../connect/connect-link.service';
import { CONFIGURATION_ERROR_PREFIX } from '../oauth/token-status.policy';
import { TokenStatus } from '../oauth/token-status';
import { TokenAlertComposer } from './token-alert.composer';

describe(TokenAlertComposer.name, () => {
  const links = { createLink: (clientId: string, provider: string) => `https://th.example/oauth/${provider}/connect?link=${clientId}-signed` };
  const sut = new TokenAlertComposer(links as unknown as ConnectLinkService);
  const token = { clientId: 'acme', provider: 'zoho', error: 'The provider rejected the refresh token: invalid_code', lastAlertStatus: null };

  it('titles an invalid token per the contract, critical, with the error and a re-authorize link', () => {
    const alert = sut.compose({ ...token, status: TokenStatus.Invalid });

    expect(alert).toMatchObject({ severity: 'critical', title: 'OAuth Token invalid: acme/zoho', kind: 'alert' });
    expect(alert.message).toContain('invalid_code');
    expect(alert.message).toContain('Re-authorize');
    expect(alert.actionUrl).toBe('https://th.example/oauth/zoho/connect?link=acme-signed');
  });

  it('maps refresh_failed to error and expiring to warning', () => {
    expect(sut.compose({ ...token, status: TokenStatus.RefreshFailed }).severity).toBe('error');
    expect(sut.compose({ ...token, status: TokenStatus.Expiring }).severity).toBe('warning');
  });

  it('tells operators to check the app credentials, not to re-authorize, for a configuration problem', () => {
    const alert = sut.compose({ ...token, status: TokenStatus.RefreshFailed, error: `${CONFIGURATION_ERROR_PREFIX}: invalid_client` });

    expect(alert.message).toMatch(/check the OAuth app credentials/i);
    expect(alert.actionUrl).toBeUndefined();
  });

  it('marks a repeat of the same status as a reminder and a healthy token as resolved', () => {
    expect(sut.compose({ ...token, status: TokenStatus.Invalid, lastAlertStatus: TokenStatus.Invalid }).kind).toBe('reminder');
    expect(sut.compose({ ...token, status: TokenStatus.Healthy, lastAlertStatus: TokenStatus.Invalid })).toMatchObject({ kind: 'resolved', severity: 'info' });
  });
});
