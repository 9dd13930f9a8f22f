import { AppConfig, TwilioConfig } from '../../config/app-config';
import { WebhookSink } from '../../../test/support/webhook-sink';
import { Alert, AlertSeverity } from '../alert';
import { AlertDeliveryError, DeliveryFailureKind } from './alert-channel';
import { SmsChannel } from './sms.channel';

const ACCOUNT_SID = 'AC0123456789abcdef';
const AUTH_TOKEN = 'twilio-auth-token-secret';
const MESSAGES_PATH = `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`;
const TWILIO_400 = { code: 21211, message: "The 'To' number +1555 is not a valid phone number.", status: 400 };

function configWith(twilio: Partial<TwilioConfig> | undefined, alerts: Partial<AppConfig['alerts']> = {}): AppConfig {
  const fullTwilio = twilio && {
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    from: '+15550000000',
    to: ['+15550000001', '+15550000002'],
    apiUrl: '',
    ...twilio,
  };
  return { alerts: { smsMinSeverity: AlertSeverity.Error, channelTimeoutMs: 2000, twilio: fullTwilio, ...alerts } } as AppConfig;
}

function anAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    severity: AlertSeverity.Critical,
    title: 'Zoho connection for acme is dead',
    message: 'The refresh token was revoked.',
    actionUrl: 'https://th.example.com/c/abc',
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

describe(SmsChannel.name, () => {
  let sink: WebhookSink;
  let sut: SmsChannel;

  beforeEach(async () => {
    sink = await WebhookSink.start({ path: MESSAGES_PATH, status: 201, body: { sid: 'SM0001' } });
    sut = new SmsChannel(configWith({ apiUrl: sink.origin }));
  });

  afterEach(() => sink.close());

  it('is enabled when Twilio is configured', () => {
    expect(sut.enabled).toBe(true);
  });

  it('is disabled when Twilio is not configured', () => {
    expect(new SmsChannel(configWith(undefined)).enabled).toBe(false);
  });

  it('takes the configured minimum severity', () => {
    sut = new SmsChannel(configWith({ apiUrl: sink.origin }, { smsMinSeverity: AlertSeverity.Critical }));

    expect(sut.minSeverity).toBe(AlertSeverity.Critical);
  });

  it("posts one message per recipient to the account's Messages resource", async () => {
    await sut.deliver(anAlert());

    const requests = await sink.waitFor(2);
    expect(requests.map((request) => [request.method, request.path])).toEqual([
      ['POST', MESSAGES_PATH],
      ['POST', MESSAGES_PATH],
    ]);
    expect(requests.map((request) => request.form?.To).sort()).toEqual(['+15550000001', '+15550000002']);
  });

  it('authenticates with the account SID and auth token', async () => {
    await sut.deliver(anAlert());

    const [request] = await sink.waitFor(1);
    const expected = Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64');
    expect(request.headers.authorization).toBe(`Basic ${expected}`);
  });

  it('sends From and a Body of severity, title and link as form fields', async () => {
    await sut.deliver(anAlert());

    const [request] = await sink.waitFor(1);
    expect(request.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(request.form).toMatchObject({
      From: '+15550000000',
      Body: '[CRITICAL] Zoho connection for acme is dead https://th.example.com/c/abc',
    });
  });

  it('shortens a long title but keeps the link whole', async () => {
    await sut.deliver(anAlert({ title: 'x'.repeat(500) }));

    const [request] = await sink.waitFor(1);
    const body = request.form?.Body ?? '';
    expect(body).toHaveLength(320);
    expect(body).toMatch(/^\[CRITICAL\] x+\.\.\. https:\/\/th\.example\.com\/c\/abc$/);
  });

  it("treats a 400 answer as permanent and reports Twilio's code and message", async () => {
    sink.failNext(1, 400, TWILIO_400);

    const error = await failureOf(sut.deliver(anAlert()));

    expect(error.code).toBe(DeliveryFailureKind.Permanent);
    expect(error.message).toContain("Twilio answered 400: 21211 The 'To' number +1555 is not a valid phone number.");
  });

  it.each([500, 503, 429])('treats a %i answer as retryable', async (status) => {
    sink.failNext(1, status);

    const error = await failureOf(sut.deliver(anAlert()));

    expect(error.code).toBe(DeliveryFailureKind.Retryable);
  });

  it('still sends to the other recipients when one fails', async () => {
    sink.failNext(1, 400, TWILIO_400);

    await failureOf(sut.deliver(anAlert()));

    expect(sink.requests).toHaveLength(2);
  });

  it('reports a retryable failure when failures are mixed', async () => {
    sink.failNext(1, 400, TWILIO_400);
    sink.failNext(1, 503);

    const error = await failureOf(sut.deliver(anAlert()));

    expect(error.code).toBe(DeliveryFailureKind.Retryable);
  });

  it('treats a timeout as retryable', async () => {
    sink.delay(1000);
    sut = new SmsChannel(configWith({ apiUrl: sink.origin }, { channelTimeoutMs: 50 }));

    const error = await failureOf(sut.deliver(anAlert()));

    expect(error.code).toBe(DeliveryFailureKind.Retryable);
  });

  it('treats a refused connection as retryable', async () => {
    const apiUrl = sink.origin;
    await sink.close();
    sink = await WebhookSink.start();
    sut = new SmsChannel(configWith({ apiUrl }));

    const error = await failureOf(sut.deliver(anAlert()));

    expect(error.code).toBe(DeliveryFailureKind.Retryable);
  });

  it('keeps the auth token out of errors', async () => {
    sink.failNext(2, 401, { code: 20003, message: 'Authenticate' });

    const error = await failureOf(sut.deliver(anAlert()));

    expect(error.message).not.toContain(AUTH_TOKEN);
    expect(error.message).not.toContain(Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64'));
  });
});
