import { resolveConnectLink } from '../alerting/deferred-connect-link';
import { CONFIGURATION_ERROR_PREFIX } from '../oauth/token-status.policy';
import { TokenStatus } from '../oauth/token-status';
import { AlertableToken, TokenAlertComposer } from './token-alert.composer';

describe(TokenAlertComposer.name, () => {
  const links = { createLink: (clientId: string, provider: string) => `https://th.example/oauth/${provider}/connect?link=${clientId}-signed` };
  const composer = new TokenAlertComposer();
  const sut = { compose: (token: AlertableToken) => resolveConnectLink(composer.compose(token), links.createLink) };
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
    expect(sut.compose({ ...token, status: TokenStatus.Healthy, lastAlertStatus: TokenStatus.Invalid })).toMatchObject({
      kind: 'resolved',
      severity: 'info',
    });
  });
});

describe(`${TokenAlertComposer.name} (wording)`, () => {
  const links = { createLink: (clientId: string, provider: string) => `https://th.example/oauth/${provider}/connect?link=${clientId}` };
  const composer = new TokenAlertComposer();
  const sut = { compose: (token: AlertableToken) => resolveConnectLink(composer.compose(token), links.createLink) };
  const base = { clientId: 'acme', provider: 'zoho', lastAlertStatus: null };

  it('writes the status line, the error and what to do, one per line', () => {
    const alert = sut.compose({ ...base, status: TokenStatus.Invalid, error: 'dead' });

    expect(alert).toEqual({
      severity: 'critical',
      title: 'OAuth Token invalid: acme/zoho',
      clientId: 'acme',
      provider: 'zoho',
      status: TokenStatus.Invalid,
      kind: 'alert',
      event: 'token.unhealthy',
      error: 'dead',
      message: [
        'The zoho connection of client acme is invalid.',
        'Error: dead',
        'What to do: Re-authorize the zoho connection of client acme by opening this link: https://th.example/oauth/zoho/connect?link=acme',
      ].join('\n'),
      instruction: 'Re-authorize the zoho connection of client acme by opening this link: https://th.example/oauth/zoho/connect?link=acme',
      actionUrl: 'https://th.example/oauth/zoho/connect?link=acme',
    });
  });

  it('leaves the error line and field out when there is no error', () => {
    const alert = sut.compose({ ...base, status: TokenStatus.Expiring, error: null });

    expect(alert.error).toBeUndefined();
    expect(alert.message.split('\n')).toEqual([
      'The zoho connection of client acme is expiring.',
      'What to do: Re-authorize the zoho connection of client acme by opening this link: https://th.example/oauth/zoho/connect?link=acme',
    ]);
  });

  it('starts a reminder with "Reminder: still"', () => {
    const alert = sut.compose({ ...base, status: TokenStatus.RefreshFailed, error: 'timeout', lastAlertStatus: TokenStatus.RefreshFailed });

    expect(alert.message.split('\n')[0]).toBe('Reminder: still The zoho connection of client acme is refresh_failed.');
    expect(alert.event).toBe('token.reminder');
    expect(alert.title).toBe('OAuth Token refresh_failed: acme/zoho');
  });

  it('treats a move to another unhealthy status as a new alert, not a reminder', () => {
    const alert = sut.compose({ ...base, status: TokenStatus.Invalid, error: 'dead', lastAlertStatus: TokenStatus.RefreshFailed });

    expect(alert).toMatchObject({ kind: 'alert', event: 'token.unhealthy' });
    expect(alert.message).not.toContain('Reminder');
  });

  it('writes a resolved notice without link or instruction', () => {
    const alert = sut.compose({ ...base, status: TokenStatus.Healthy, error: null, lastAlertStatus: TokenStatus.Invalid });

    expect(alert).toEqual({
      severity: 'info',
      title: 'OAuth Token healthy: acme/zoho',
      clientId: 'acme',
      provider: 'zoho',
      status: TokenStatus.Healthy,
      kind: 'resolved',
      event: 'token.recovered',
      message: 'Resolved: the zoho connection of client acme is healthy again.',
    });
  });

  it('tells operators exactly which credentials to check for a configuration problem', () => {
    const alert = sut.compose({ ...base, status: TokenStatus.RefreshFailed, error: `${CONFIGURATION_ERROR_PREFIX}: invalid_client` });

    expect(alert.instruction).toBe(
      'Check the OAuth app credentials configured for zoho (client id and secret); the customer does not need to re-authorize.',
    );
  });
});
