import { randomBytes } from 'node:crypto';
import { SignedTokenCodec, SignedTokenError } from './signed-token';

describe(SignedTokenCodec.name, () => {
  const sut = new SignedTokenCodec(randomBytes(32));
  const inAnHour = () => new Date(Date.now() + 3_600_000);

  it('verifies what it signed and returns the claims', () => {
    const token = sut.sign('connect-link', { clientId: 'acme', provider: 'zoho' }, inAnHour());

    expect(sut.verify('connect-link', token)).toEqual({ clientId: 'acme', provider: 'zoho', nonce: undefined });
  });

  it('rejects an expired token', () => {
    const token = sut.sign('connect-link', { clientId: 'acme', provider: 'zoho' }, new Date(Date.now() - 1000));

    expect(() => sut.verify('connect-link', token)).toThrow(expect.objectContaining({ reason: 'expired' }));
  });

  it('rejects a token whose payload was changed', () => {
    const [, signature] = sut.sign('connect-link', { clientId: 'acme', provider: 'zoho' }, inAnHour()).split('.');
    const forged = Buffer.from(JSON.stringify({ u: 'connect-link', c: 'evil', p: 'zoho', e: 9999999999 })).toString('base64url');

    expect(() => sut.verify('connect-link', `${forged}.${signature}`)).toThrow(SignedTokenError);
  });

  it('does not accept a connect link as an OAuth state', () => {
    const token = sut.sign('connect-link', { clientId: 'acme', provider: 'zoho' }, inAnHour());

    expect(() => sut.verify('oauth-state', token)).toThrow(expect.objectContaining({ reason: 'wrong-purpose' }));
  });

  it('rejects a token signed with another key', () => {
    const token = new SignedTokenCodec(randomBytes(32)).sign('connect-link', { clientId: 'acme', provider: 'zoho' }, inAnHour());

    expect(() => sut.verify('connect-link', token)).toThrow(expect.objectContaining({ reason: 'bad-signature' }));
  });

  it('accepts a token signed with a previous key after rotation, and signs with the new one', () => {
    const oldKey = randomBytes(32);
    const before = new SignedTokenCodec(oldKey).sign('connect-link', { clientId: 'acme', provider: 'zoho' }, inAnHour());
    const rotated = new SignedTokenCodec(randomBytes(32), [oldKey]);

    expect(rotated.verify('connect-link', before)).toMatchObject({ clientId: 'acme' });
    expect(() => new SignedTokenCodec(oldKey).verify('connect-link', rotated.sign('connect-link', { clientId: 'acme', provider: 'zoho' }, inAnHour()))).toThrow(
      expect.objectContaining({ reason: 'bad-signature' }),
    );
  });
});
