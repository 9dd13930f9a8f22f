import { Webhook } from 'standardwebhooks';
import { WebhookSink } from '../../../test/support/webhook-sink';
import { AppConfig } from '../../config/app-config';
import { TokenStatus } from '../../oauth/token-status';
import { Alert, AlertAudience, AlertSeverity } from '../alert';
import { AlertDeliveryError, DeliveryFailureKind } from './alert-channel';
import { WebhookChannel } from './webhook.channel';

const SECRET = 'whsec_' + Buffer.alloc(32, 9).toString('base64');

function configWith(webhook?: { url: string; secret: string }): AppConfig {
  return { alerts: { channelTimeoutMs: 2000, webhook } } as AppConfig;
}

function anAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: '5b0f4a52-3f0e-4f0a-9d55-7d9f4c1f7a11',
    occurredAt: '2026-11-27T10:00:00.000Z',
    severity: AlertSeverity.Critical,
    title: 'OAuth Token invalid: acme/zoho',
    message: 'The zoho connection of client acme is invalid.',
    clientId: 'acme',
    provider: 'zoho',
    status: TokenStatus.Invalid,
    cause: 'dead_grant',
    error: 'The provider rejected the refresh token: invalid_code',
    actionUrl: 'https://th.example.com/oauth/zoho/connect?link=abc',
    kind: 'alert',
    event: 'token.unhealthy',
    ...overrides,
  };
}

async function failureOf(delivery: Promise<void>): Promise<AlertDeliveryError> {
  try {
    await delivery;
  } catch (error) {
    if (error instanceof AlertDeliveryError) return error;
    throw error;
  }
  throw new Error('expected the delivery to fail');
}

describe(WebhookChannel.name, () => {
  let sink: WebhookSink;
  let sut: WebhookChannel;

  beforeEach(async () => {
    sink = await WebhookSink.start({ path: '/hooks/token-health' });
    sut = new WebhookChannel(configWith({ url: sink.url, secret: SECRET }));
  });

  afterEach(() => sink.close());

  it('is enabled when URL and secret are configured', () => {
    expect(sut.enabled).toBe(true);
  });

  it('is disabled without configuration', () => {
    expect(new WebhookChannel(configWith()).enabled).toBe(false);
  });

  it('is a channel for machines, taking every severity', () => {
    expect(sut.audience).toBe(AlertAudience.Machines);
    expect(sut.minSeverity).toBe(AlertSeverity.Info);
  });

  it('posts a signed event that the reference verifier accepts', async () => {
    await sut.deliver(anAlert());

    const [request] = sink.requests;
    const verified = new Webhook(SECRET).verify(request.body, request.headers as Record<string, string>);
    expect(verified).toEqual({
      type: 'token.unhealthy',
      timestamp: '2026-11-27T10:00:00.000Z',
      data: {
        clientId: 'acme',
        provider: 'zoho',
        status: 'invalid',
        severity: 'critical',
        cause: 'dead_grant',
        error: 'The provider rejected the refresh token: invalid_code',
        actionUrl: 'https://th.example.com/oauth/zoho/connect?link=abc',
      },
    });
  });

  it('sends the alert id as webhook-id, the same on every attempt', async () => {
    await sut.deliver(anAlert());
    await sut.deliver(anAlert());

    expect(sink.requests.map((request) => request.headers['webhook-id'])).toEqual([
      'msg_5b0f4a52-3f0e-4f0a-9d55-7d9f4c1f7a11',
      'msg_5b0f4a52-3f0e-4f0a-9d55-7d9f4c1f7a11',
    ]);
  });

  it('names the type of a provider outage', async () => {
    await sut.deliver(anAlert({ event: 'provider.outage', clientId: undefined, status: undefined }));

    expect(sink.requests[0].json).toMatchObject({ type: 'provider.outage', data: { provider: 'zoho', clientId: null } });
  });

  it('derives the type from the kind when the alert has no event type', async () => {
    await sut.deliver(anAlert({ event: undefined, kind: 'resolved' }));

    expect(sink.requests[0].json).toMatchObject({ type: 'token.recovered' });
  });

  it('sends neither the message text nor the secret', async () => {
    await sut.deliver(anAlert({ message: 'free text that is not part of the event' }));

    const everything = JSON.stringify(sink.requests[0]);
    expect(everything).not.toContain('free text');
    expect(everything).not.toContain(SECRET.slice('whsec_'.length));
  });

  it('parks a 4xx answer as permanent', async () => {
    sink.respondWith(410, 'gone');

    expect((await failureOf(sut.deliver(anAlert()))).code).toBe(DeliveryFailureKind.Permanent);
  });

  it.each([500, 503, 429, 408])('retries a %s answer', async (status) => {
    sink.respondWith(status, 'later');

    expect((await failureOf(sut.deliver(anAlert()))).code).toBe(DeliveryFailureKind.Retryable);
  });

  it('retries when the receiver is unreachable, without naming its URL', async () => {
    await sink.close();

    const failure = await failureOf(sut.deliver(anAlert()));
    expect(failure.code).toBe(DeliveryFailureKind.Retryable);
    expect(failure.message).not.toContain('/hooks/token-health');
    sink = await WebhookSink.start();
  });
});
