import { resolveConnectLink } from '../alerting/deferred-connect-link';
import { AppConfig } from '../config/app-config';
import { FailureCause } from '../oauth/failure-cause';
import { CONFIGURATION_ERROR_PREFIX, NO_REFRESH_TOKEN_ERROR, UNREADABLE_TOKEN_ERROR } from '../oauth/token-status.policy';
import { TokenStatus } from '../oauth/token-status';
import { NextScheduledCheck } from './next-scheduled-check';
import { AlertableToken, TokenAlertComposer } from './token-alert.composer';

const NEXT_CHECK = new Date('2026-12-04T19:30:00Z');

function composer(): TokenAlertComposer {
  const nextCheck = { at: () => NEXT_CHECK } as NextScheduledCheck;
  return new TokenAlertComposer({ publicBaseUrl: 'https://th.example' } as AppConfig, nextCheck);
}

describe(TokenAlertComposer.name, () => {
  const links = { createLink: (clientId: string, provider: string) => `https://th.example/oauth/${provider}/connect?link=${clientId}-signed` };
  const sut = { compose: (token: AlertableToken) => resolveConnectLink(composer().compose(token), links.createLink) };
  const token = { clientId: 'acme', provider: 'zoho', error: 'The provider rejected the refresh token: invalid_code', lastAlertStatus: null };

  it('titles an invalid token per the contract, critical, as a dead grant with a re-authorize link', () => {
    const alert = sut.compose({ ...token, status: TokenStatus.Invalid });

    expect(alert).toMatchObject({ severity: 'critical', title: 'OAuth Token invalid: acme/zoho', kind: 'alert', cause: FailureCause.DeadGrant });
    expect(alert.message).toContain('invalid_code');
    expect(alert.message).toContain('Re-authorize');
    expect(alert.actionUrl).toBe('https://th.example/oauth/zoho/connect?link=acme-signed');
  });

  it('maps refresh_failed to error and expiring to warning', () => {
    expect(sut.compose({ ...token, status: TokenStatus.RefreshFailed }).severity).toBe('error');
    expect(sut.compose({ ...token, status: TokenStatus.Expiring }).severity).toBe('warning');
  });

  it('says a provider failure is retried at the next check, with no link and no word of re-authorizing', () => {
    const alert = sut.compose({ ...token, status: TokenStatus.RefreshFailed, error: 'Refresh failed, will retry: POST /token answered HTTP 500' });

    expect(alert.cause).toBe(FailureCause.ProviderFailing);
    expect(alert.instruction).toBe(
      'Nothing to do yet: the refresh is retried at the next check (around 2026-12-04 19:30 UTC); re-authorizing would not help.',
    );
    expect(alert.actionUrl).toBeUndefined();
    expect(alert.message).not.toMatch(/re-authorize (the|by)/i);
  });

  it('names a 429 as throttling, retried later', () => {
    const alert = sut.compose({ ...token, status: TokenStatus.RefreshFailed, error: 'Refresh failed, will retry: POST /token answered HTTP 429' });

    expect(alert.cause).toBe(FailureCause.Throttled);
    expect(alert.actionUrl).toBeUndefined();
  });

  it('tells operators which variables to fix, not the customer to re-authorize, for a configuration problem', () => {
    const alert = sut.compose({ ...token, status: TokenStatus.RefreshFailed, error: `${CONFIGURATION_ERROR_PREFIX}: invalid_client` });

    expect(alert.cause).toBe(FailureCause.Configuration);
    expect(alert.instruction).toContain('ZOHO_CLIENT_ID and ZOHO_CLIENT_SECRET');
    expect(alert.instruction).toContain('the customer does not need to re-authorize');
    expect(alert.actionUrl).toBeUndefined();
  });

  it('points an unreadable token at the encryption keys', () => {
    const alert = sut.compose({ ...token, status: TokenStatus.RefreshFailed, error: UNREADABLE_TOKEN_ERROR });

    expect(alert.cause).toBe(FailureCause.Unreadable);
    expect(alert.instruction).toContain('TOKEN_ENCRYPTION_KEY');
    expect(alert.actionUrl).toBeUndefined();
  });

  it('counts a missing refresh token as a dead grant', () => {
    expect(sut.compose({ ...token, status: TokenStatus.Invalid, error: NO_REFRESH_TOKEN_ERROR }).cause).toBe(FailureCause.DeadGrant);
  });

  it('never puts a status name in the prose', () => {
    for (const status of [TokenStatus.Invalid, TokenStatus.RefreshFailed, TokenStatus.Expiring]) {
      const { message } = sut.compose({ ...token, status, error: null, lastAlertStatus: status });
      expect(message).not.toMatch(/\b(refresh_failed|invalid|expiring)\b/);
    }
  });

  it('bounds the error in the message and links the connection page for the rest', () => {
    const alert = sut.compose({ ...token, status: TokenStatus.RefreshFailed, error: `Refresh failed, will retry: ${'x'.repeat(400)}` });

    const errorLine = alert.message.split('\n').find((line) => line.startsWith('Error: '))!;
    expect(errorLine.length).toBeLessThanOrEqual('Error: '.length + 160);
    expect(alert.message).toContain('Details: https://th.example/admin/connection?clientId=acme&provider=zoho');
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
  const sut = { compose: (token: AlertableToken) => resolveConnectLink(composer().compose(token), links.createLink) };
  const base = { clientId: 'acme', provider: 'zoho', lastAlertStatus: null };

  it('writes what is wrong, the error, what to do and where the details are, one per line', () => {
    const alert = sut.compose({ ...base, status: TokenStatus.Invalid, error: 'dead' });

    expect(alert).toEqual({
      severity: 'critical',
      title: 'OAuth Token invalid: acme/zoho',
      clientId: 'acme',
      provider: 'zoho',
      status: TokenStatus.Invalid,
      cause: 'dead_grant',
      kind: 'alert',
      event: 'token.unhealthy',
      error: 'dead',
      message: [
        'The zoho connection of client acme has lost its authorization: the provider refused the refresh token (or none is stored).',
        'Error: dead',
        'What to do: Re-authorize the zoho connection of client acme by opening this link: https://th.example/oauth/zoho/connect?link=acme',
        'Details: https://th.example/admin/connection?clientId=acme&provider=zoho',
      ].join('\n'),
      instruction: 'Re-authorize the zoho connection of client acme by opening this link: https://th.example/oauth/zoho/connect?link=acme',
      actionUrl: 'https://th.example/oauth/zoho/connect?link=acme',
    });
  });

  it('leaves the error line and field out when there is no error', () => {
    const alert = sut.compose({ ...base, status: TokenStatus.Expiring, error: null });

    expect(alert.error).toBeUndefined();
    expect(alert.message.split('\n')).toEqual([
      'The zoho connection of client acme needs a new authorization soon: its refresh token expires.',
      'What to do: Re-authorize the zoho connection of client acme before its refresh token expires, by opening this link: https://th.example/oauth/zoho/connect?link=acme',
      'Details: https://th.example/admin/connection?clientId=acme&provider=zoho',
    ]);
  });

  it('starts a reminder with "Reminder:" and keeps the pinned title', () => {
    const alert = sut.compose({ ...base, status: TokenStatus.RefreshFailed, error: 'timeout', lastAlertStatus: TokenStatus.RefreshFailed });

    expect(alert.message.split('\n')[0]).toBe('Reminder: The zoho connection of client acme could not be refreshed: the provider is failing.');
    expect(alert.event).toBe('token.reminder');
    expect(alert.title).toBe('OAuth Token refresh_failed: acme/zoho');
  });

  it('treats a move to another unhealthy status as a new alert, not a reminder', () => {
    const alert = sut.compose({ ...base, status: TokenStatus.Invalid, error: 'dead', lastAlertStatus: TokenStatus.RefreshFailed });

    expect(alert).toMatchObject({ kind: 'alert', event: 'token.unhealthy' });
    expect(alert.message).not.toContain('Reminder');
  });

  it('writes a resolved notice without link, cause or instruction', () => {
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
});
