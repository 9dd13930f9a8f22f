import { Webhook } from 'standardwebhooks';
import { WebhookSigner } from './webhook-signer';
import { thrownBy } from '../../../test/support/thrown-by';

// The example of the Standard Webhooks specification: its secret, message and signature.
const SPEC_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const SPEC_ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const SPEC_TIMESTAMP = 1614265330;
const SPEC_BODY = '{"test": 2432232314}';
const SPEC_SIGNATURE = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';

describe(WebhookSigner.name, () => {
  const sut = new WebhookSigner(SPEC_SECRET);
  const now = () => Math.floor(Date.now() / 1000);

  it('signs the specification example exactly as the specification does', () => {
    expect(sut.sign(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY)).toBe(SPEC_SIGNATURE);
  });

  it('produces headers the reference verifier accepts', () => {
    const timestamp = now();
    const headers = sut.headers('msg_1', timestamp, '{"type":"token.unhealthy"}');

    expect(new Webhook(SPEC_SECRET).verify('{"type":"token.unhealthy"}', { ...headers })).toEqual({ type: 'token.unhealthy' });
  });

  it('names the message id and the timestamp in the headers it signed them with', () => {
    const headers = sut.headers('msg_7', 1700000000, '{}');

    expect(headers).toEqual({ 'webhook-id': 'msg_7', 'webhook-timestamp': '1700000000', 'webhook-signature': sut.sign('msg_7', 1700000000, '{}') });
  });

  it('signs the id, so a body replayed under another id fails verification', () => {
    const timestamp = now();
    const headers = { ...sut.headers('msg_1', timestamp, '{}'), 'webhook-id': 'msg_2' };

    expect(() => new Webhook(SPEC_SECRET).verify('{}', headers)).toThrow();
  });

  it('signs the timestamp, so a changed timestamp fails verification', () => {
    const timestamp = now();
    const headers = { ...sut.headers('msg_1', timestamp, '{}'), 'webhook-timestamp': String(timestamp - 1) };

    expect(() => new Webhook(SPEC_SECRET).verify('{}', headers)).toThrow();
  });

  it('keys the signature with the secret, so another secret fails verification', () => {
    const headers = sut.headers('msg_1', now(), '{}');

    expect(() => new Webhook('whsec_' + Buffer.alloc(24, 1).toString('base64')).verify('{}', headers)).toThrow();
  });

  it('refuses a secret without the whsec_ prefix', () => {
    expect(() => new WebhookSigner('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toThrow(/whsec_/);
  });

  it('refuses a secret whose key part is not base64', () => {
    expect(() => new WebhookSigner('whsec_not*base64!')).toThrow(/base64/);
  });

  it('does not show the secret in its refusal', () => {
    expect(thrownBy(() => new WebhookSigner('whsec_sec!ret'))).toMatchObject({ message: expect.not.stringContaining('sec!ret') });
  });

  it('accepts a key part padded with one or two "="', () => {
    expect(WebhookSigner.decodeSecret('whsec_AAAAAA==')).toEqual(Buffer.alloc(4));
    expect(WebhookSigner.decodeSecret('whsec_AAAAAAA=')).toEqual(Buffer.alloc(5));
  });

  it('accepts "+" and "/" in the key part', () => {
    expect(WebhookSigner.decodeSecret('whsec_+/+/')).toEqual(Buffer.from('+/+/', 'base64'));
  });

  it('refuses a key part with three "=" of padding', () => {
    expect(() => WebhookSigner.decodeSecret('whsec_AAAAA===')).toThrow(/base64/);
  });

  it('refuses a key part whose length is not a multiple of four', () => {
    expect(() => WebhookSigner.decodeSecret('whsec_AAAAA')).toThrow(/base64/);
  });

  it('refuses a key part that only ends in base64', () => {
    expect(() => WebhookSigner.decodeSecret('whsec_!!!!AAAA')).toThrow(/base64/);
  });

  it('refuses a key part that only starts with base64', () => {
    expect(() => WebhookSigner.decodeSecret('whsec_AAAA!!!!')).toThrow(/base64/);
  });

  it('refuses an empty key part', () => {
    expect(() => WebhookSigner.decodeSecret('whsec_')).toThrow(/base64/);
  });

  it('refuses a secret that carries whsec_ anywhere but at the start', () => {
    expect(() => WebhookSigner.decodeSecret('AAAAwhsec_AAAA')).toThrow(/whsec_/);
  });
});
