// The three alert channels' stand-ins started together: a Slack webhook sink, a
// Twilio-like sink and an SMTP server, plus the env that points the app at them.
import { SmtpSink } from './smtp-sink';
import { randomBytes } from 'node:crypto';
import { secretScan } from './secret-scan';
import { WebhookSink } from './webhook-sink';

export const TWILIO_AUTH_TOKEN = secretScan.secret(`twilio-${randomBytes(12).toString('hex')}`, 'TWILIO_AUTH_TOKEN');

export class AlertSinks {
  private constructor(
    public slack: WebhookSink,
    readonly twilio: WebhookSink,
    public smtp: SmtpSink,
  ) {}

  static async start(): Promise<AlertSinks> {
    const [slack, twilio, smtp] = await Promise.all([
      WebhookSink.start(),
      WebhookSink.start({ path: '/2010-04-01/Accounts/AC123/Messages.json', status: 201, body: { sid: 'SM1' } }),
      SmtpSink.start(),
    ]);
    return new AlertSinks(slack, twilio, smtp);
  }

  env(): Record<string, string> {
    return {
      SLACK_WEBHOOK_URL: this.slack.url,
      SMTP_URL: this.smtp.url,
      ALERT_EMAIL_FROM: 'token-health@example.test',
      ALERT_EMAIL_TO: 'ops@example.test',
      TWILIO_ACCOUNT_SID: 'AC123',
      TWILIO_AUTH_TOKEN,
      TWILIO_FROM: '+15550000000',
      ALERT_SMS_TO: '+15551111111',
      TWILIO_API_URL: this.twilio.origin,
    };
  }

  /** Brings closed Slack and SMTP sinks back on their old ports (an outage that ends). */
  async restartOn(slackPort: number, smtpPort: number): Promise<void> {
    [this.slack, this.smtp] = await Promise.all([WebhookSink.start({ port: slackPort }), SmtpSink.start(smtpPort)]);
  }

  reset(): void {
    this.slack.reset();
    this.twilio.reset();
    this.smtp.reset();
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.slack.close(), this.twilio.close(), this.smtp.close()]);
  }
}

export async function waitUntil(predicate: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const settle = (ms = 600) => new Promise((resolve) => setTimeout(resolve, ms));
