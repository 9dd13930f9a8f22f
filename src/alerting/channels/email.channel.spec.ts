import { AppConfig, SmtpConfig } from '../../config/app-config';
import { SmtpSink } from '../../../test/support/smtp-sink';
import { Alert, AlertSeverity } from '../alert';
import { AlertDeliveryError, DeliveryFailureKind } from './alert-channel';
import { EmailChannel } from './email.channel';

const SMTP_PASSWORD = 'smtp-pa55word';

function configWith(smtp: Partial<SmtpConfig> | undefined, channelTimeoutMs = 2000): AppConfig {
  const fullSmtp = smtp && { url: '', from: 'alerts@token-health.test', to: ['ops@acme.test', 'cto@acme.test'], ...smtp };
  return { alerts: { smsMinSeverity: AlertSeverity.Error, channelTimeoutMs, smtp: fullSmtp } } as AppConfig;
}

function withPassword(url: string): string {
  return url.replace('smtp://', `smtp://alerts:${SMTP_PASSWORD}@`);
}

function anAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    severity: AlertSeverity.Error,
    title: 'Zoho connection for acme is dead',
    message: 'The refresh token was revoked.\nRe-authorize to restore the integration.',
    clientId: 'acme',
    provider: 'zoho',
    actionUrl: 'https://token-health.example.com/connect/abc?sig=xyz&ttl=72',
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

describe(EmailChannel.name, () => {
  let sink: SmtpSink;
  let sut: EmailChannel;

  beforeEach(async () => {
    sink = await SmtpSink.start();
    sut = new EmailChannel(configWith({ url: withPassword(sink.url) }));
  });

  afterEach(() => sink.close());

  it('is enabled when SMTP is configured', () => {
    expect(sut.enabled).toBe(true);
  });

  it('is disabled when SMTP is not configured', () => {
    expect(new EmailChannel(configWith(undefined)).enabled).toBe(false);
  });

  it('takes alerts of every severity', () => {
    expect(sut.minSeverity).toBe(AlertSeverity.Info);
  });

  it('sends one mail from the configured sender to all recipients, titled with the alert title', async () => {
    await sut.deliver(anAlert());

    const [mail] = await sink.waitFor(1);
    expect(sink.messages).toHaveLength(1);
    expect(mail).toMatchObject({
      from: 'alerts@token-health.test',
      to: ['ops@acme.test', 'cto@acme.test'],
      subject: 'Zoho connection for acme is dead',
    });
  });

  it('logs in with the credentials from the SMTP URL', async () => {
    await sut.deliver(anAlert());

    const [mail] = await sink.waitFor(1);
    expect(mail.username).toBe('alerts');
  });

  it('puts the message and the re-authorize link in the text body', async () => {
    await sut.deliver(anAlert());

    const [mail] = await sink.waitFor(1);
    expect(mail.text).toBe(
      'The refresh token was revoked.\nRe-authorize to restore the integration.\n\n' +
        'Re-authorize: https://token-health.example.com/connect/abc?sig=xyz&ttl=72',
    );
  });

  it('links to the action URL from the HTML body', async () => {
    await sut.deliver(anAlert());

    const [mail] = await sink.waitFor(1);
    expect(mail.html).toContain('<a href="https://token-health.example.com/connect/abc?sig=xyz&amp;ttl=72">Re-authorize</a>');
  });

  it('escapes HTML in the title and message of the HTML body', async () => {
    await sut.deliver(anAlert({ title: 'Client <b>"acme"</b>', message: '<script>alert(1)</script> & more' }));

    const [mail] = await sink.waitFor(1);
    expect(mail.html).toContain('<h2>Client &lt;b&gt;&quot;acme&quot;&lt;/b&gt;</h2>');
    expect(mail.html).toContain('<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</p>');
    expect(mail.html).not.toContain('<script>');
  });

  it('treats a 451 reply as retryable', async () => {
    sink.failNext(1, 451);

    const error = await failureOf(sut.deliver(anAlert()));

    expect(error.code).toBe(DeliveryFailureKind.Retryable);
  });

  it('treats a 550 reply as permanent', async () => {
    sink.failNext(1, 550);

    const error = await failureOf(sut.deliver(anAlert()));

    expect(error.code).toBe(DeliveryFailureKind.Permanent);
  });

  it('reports the reply code in the error', async () => {
    sink.failNext(1, 550);

    const error = await failureOf(sut.deliver(anAlert()));

    expect(error.message).toContain('550');
  });

  it('treats an unreachable server as retryable', async () => {
    await sink.close();

    const error = await failureOf(sut.deliver(anAlert()));

    expect(error.code).toBe(DeliveryFailureKind.Retryable);
    sink = await SmtpSink.start();
  });

  it('keeps the SMTP URL and password out of errors', async () => {
    sink.failNext(1, 550);
    const rejected = await failureOf(sut.deliver(anAlert()));
    await sink.close();
    const unreachable = await failureOf(sut.deliver(anAlert()));
    sink = await SmtpSink.start();

    for (const error of [rejected, unreachable]) {
      expect(error.message).not.toContain(SMTP_PASSWORD);
      expect(error.message).not.toContain('smtp://');
    }
  });

  it('sends later alerts through the same transport', async () => {
    await sut.deliver(anAlert({ title: 'first' }));
    await sut.deliver(anAlert({ title: 'second' }));

    const mails = await sink.waitFor(2);
    expect(mails.map((mail) => mail.subject)).toEqual(['first', 'second']);
  });
});
