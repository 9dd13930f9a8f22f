import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { ConnectFlowError, ConnectFlowErrorCode } from './connect-flow.error';
import { SignedTokenCodec } from './signed-token';
import { thrownBy } from '../../test/support/thrown-by';

describe(SignedTokenCodec.name, () => {
  const sut = new SignedTokenCodec(randomBytes(32));
  const inAnHour = () => new Date(Date.now() + 3_600_000);

  it('verifies what it signed and returns the claims', () => {
    const token = sut.sign('connect-link', { clientId: 'acme', provider: 'zoho' }, inAnHour());

    expect(sut.verify('connect-link', token)).toEqual({ clientId: 'acme', provider: 'zoho', nonce: undefined });
  });

  it('rejects an expired token', () => {
    const token = sut.sign('connect-link', { clientId: 'acme', provider: 'zoho' }, new Date(Date.now() - 1000));

    expect(thrownBy(() => sut.verify('connect-link', token))).toMatchObject({ signedTokenFailure: 'expired' });
  });

  it('rejects a token whose payload was changed', () => {
    const [, signature] = sut.sign('connect-link', { clientId: 'acme', provider: 'zoho' }, inAnHour()).split('.');
    const forged = Buffer.from(JSON.stringify({ u: 'connect-link', c: 'evil', p: 'zoho', e: 9999999999 })).toString('base64url');

    expect(() => sut.verify('connect-link', `${forged}.${signature}`)).toThrow(ConnectFlowError);
  });

  it('does not accept a connect link as an OAuth state', () => {
    const token = sut.sign('connect-link', { clientId: 'acme', provider: 'zoho' }, inAnHour());

    expect(thrownBy(() => sut.verify('oauth-state', token))).toMatchObject({
      signedTokenFailure: 'wrong-purpose',
      code: ConnectFlowErrorCode.InvalidState,
    });
  });

  it('rejects a token signed with another key', () => {
    const token = new SignedTokenCodec(randomBytes(32)).sign('connect-link', { clientId: 'acme', provider: 'zoho' }, inAnHour());

    expect(thrownBy(() => sut.verify('connect-link', token))).toMatchObject({ signedTokenFailure: 'bad-signature' });
  });

  it('accepts a token signed with a previous key after rotation, and signs with the new one', () => {
    const oldKey = randomBytes(32);
    const before = new SignedTokenCodec(oldKey).sign('connect-link', { clientId: 'acme', provider: 'zoho' }, inAnHour());
    const rotated = new SignedTokenCodec(randomBytes(32), [oldKey]);

    expect(rotated.verify('connect-link', before)).toMatchObject({ clientId: 'acme' });
    expect(
      thrownBy(() =>
        new SignedTokenCodec(oldKey).verify('connect-link', rotated.sign('connect-link', { clientId: 'acme', provider: 'zoho' }, inAnHour())),
      ),
    ).toMatchObject({ signedTokenFailure: 'bad-signature' });
  });
});

describe(`${SignedTokenCodec.name} (edges)`, () => {
  const key = Buffer.alloc(32, 9);
  const sut = new SignedTokenCodec(key);
  const expiry = new Date('2030-01-01T00:00:00Z');
  const encode = (body: unknown) => Buffer.from(JSON.stringify(body)).toString('base64url');
  const signed = (payload: string) => `${payload}.${sut.sign('connect-link', { clientId: 'a', provider: 'p' }, expiry).split('.')[1]}`;
  const reasonOf = (token: unknown, purpose: 'connect-link' | 'oauth-state' = 'connect-link', now?: Date) => {
    try {
      sut.verify(purpose, token as string, now);
    } catch (error) {
      return error instanceof ConnectFlowError ? error.signedTokenFailure : `not a ConnectFlowError: ${String(error)}`;
    }
    return 'accepted';
  };

  it('derives its key from the master key with HKDF under a fixed label, so tokens survive restarts', () => {
    const token = new SignedTokenCodec(Buffer.alloc(32, 9)).sign('oauth-state', { clientId: 'acme', provider: 'zoho', nonce: 'n1' }, expiry);

    expect(token).toBe('eyJ1Ijoib2F1dGgtc3RhdGUiLCJjIjoiYWNtZSIsInAiOiJ6b2hvIiwibiI6Im4xIiwiZSI6MTg5MzQ1NjAwMH0.' + token.split('.')[1]);
    expect(token.split('.')[1]).toBe(createHmac('sha256', hkdf(key)).update(token.split('.')[0]).digest('base64url'));
  });

  it('returns the nonce of an oauth-state', () => {
    const token = sut.sign('oauth-state', { clientId: 'acme', provider: 'zoho', nonce: 'n-1' }, expiry);

    expect(sut.verify('oauth-state', token, new Date('2029-01-01'))).toEqual({ clientId: 'acme', provider: 'zoho', nonce: 'n-1' });
  });

  it('accepts a token until the second it expires, and not at that second', () => {
    const token = sut.sign('connect-link', { clientId: 'a', provider: 'p' }, expiry);

    expect(reasonOf(token, 'connect-link', new Date(expiry.getTime() - 1))).toBe('accepted');
    expect(reasonOf(token, 'connect-link', expiry)).toBe('expired');
  });

  it.each([
    ['nothing', undefined],
    ['an empty string', ''],
    ['no signature', 'payload'],
    ['an empty signature', 'payload.'],
    ['an empty payload', '.signature'],
    ['a third part', 'a.b.c'],
  ])('rejects %s as malformed', (_name, token) => {
    expect(reasonOf(token)).toBe('malformed');
  });

  it('rejects a correctly signed payload that is not JSON as malformed', () => {
    expect(reasonOf(signedBy(key, 'bm90IGpzb24'))).toBe('malformed');
  });

  it.each([
    ['a non-string client', { u: 'connect-link', c: 1, p: 'p', e: 1893456000 }],
    ['a non-string provider', { u: 'connect-link', c: 'a', p: null, e: 1893456000 }],
    ['a non-numeric expiry', { u: 'connect-link', c: 'a', p: 'p', e: '1893456000' }],
  ])('rejects a signed payload with %s as malformed', (_name, body) => {
    expect(reasonOf(signedBy(key, encode(body)))).toBe('malformed');
  });

  it('ignores a nonce that is not a string', () => {
    const token = signedBy(key, encode({ u: 'connect-link', c: 'a', p: 'p', n: 5, e: 1893456000 }));

    expect(sut.verify('connect-link', token, new Date('2029-01-01'))).toEqual({ clientId: 'a', provider: 'p', nonce: undefined });
  });

  it('rejects a signature of another length as a bad signature', () => {
    const [payload, signature] = sut.sign('connect-link', { clientId: 'a', provider: 'p' }, expiry).split('.');

    expect(reasonOf(`${payload}.${signature.slice(1)}`)).toBe('bad-signature');
    expect(reasonOf(`${payload}.${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`)).toBe('bad-signature');
    expect(reasonOf(signed(encode({ u: 'connect-link', c: 'b', p: 'p', e: 1893456000 })))).toBe('bad-signature');
  });

  it('tells an expired link apart from an invalid one in its message, as the connect error of its purpose', () => {
    const errorOf = (purpose: 'connect-link' | 'oauth-state', token: string) => {
      try {
        sut.verify(purpose, token);
      } catch (error) {
        return error;
      }
    };
    const expired = sut.sign('connect-link', { clientId: 'a', provider: 'p' }, new Date(Date.now() - 1000));

    expect(errorOf('connect-link', expired)).toMatchObject({
      message: 'The link is expired',
      name: 'ConnectFlowError',
      code: ConnectFlowErrorCode.InvalidLink,
    });
    expect(errorOf('connect-link', `${expired}x`)).toMatchObject({ message: 'The link is invalid', code: ConnectFlowErrorCode.InvalidLink });
    expect(errorOf('oauth-state', 'not-a-token')).toMatchObject({ message: 'The link is invalid', code: ConnectFlowErrorCode.InvalidState });
  });
});

/** A raw payload signed the way the codec signs (it only signs whole claim sets itself). */
function signedBy(master: Buffer, payload: string): string {
  return `${payload}.${createHmac('sha256', hkdf(master)).update(payload).digest('base64url')}`;
}

function hkdf(master: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'token-health signed tokens v1', 32));
}
