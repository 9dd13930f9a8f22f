import { AppConfig } from '../../config/app-config';
import { WebhookSink } from '../../../test/support/webhook-sink';
import { Alert, AlertSeverity } from '../alert';
import { AlertDeliveryError, DeliveryFailureKind } from './alert-channel';
import { SlackChannel } from './slack.channel';

const WEBHOOK_PATH = '/services/T000/B000/webhook-secret-42';

function configWith(alerts: Partial<AppConfig['alerts']>): AppConfig {
  return { alerts: { smsMinSeverity: AlertSeverity.Error, channelTimeoutMs: 2000, ...alerts } } as AppConfig;
}

function anAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    severity: AlertSeverity.Critical,
    title: 'Zoho connection for acme is dead',
    message: 'The refresh token was revoked. Re-authorize to restore the integration.',
    clientId: 'acme',
    provider: 'zoho',
    status: 'INVALID',
    actionUrl: 'https://token-health.example.com/connect/abc?sig=xyz',
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

type Block = { type: string; text?: { text: string }; fields?: { text: string }[]; elements?: { url: string; text: { text: string } }[] };

describe(SlackChannel.name, () => {
  let sink: WebhookSink;
  let sut: SlackChannel;

  beforeEach(async () => {
    sink = await WebhookSink.start({ path: WEBHOOK_PATH });
    sut = new SlackChannel(configWith({ slackWebhookUrl: sink.url }));
  });

  afterEach(() => sink.close());

  it('is enabled when a webhook URL is configured', () => {
    expect(sut.enabled).toBe(true);
  });

  it('is disabled when no webhook URL is configured', () => {
    expect(new SlackChannel(configWith({})).enabled).toBe(false);
  });

  it('takes alerts of every severity', () => {
    expect(sut.minSeverity).toBe(AlertSeverity.Info);
  });

  it('posts JSON with the title as fallback text', async () => {
    await sut.deliver(anAlert());

    const [request] = await sink.waitFor(1);
    expect(request.path).toBe(WEBHOOK_PATH);
    expect(request.headers['content-type']).toContain('application/json');
    expect(request.json).toMatchObject({ text: 'Zoho connection for acme is dead' });
  });

  it('shows the title as header and severity, client, provider and status as fields', async () => {
    await sut.deliver(anAlert());

    const [request] = await sink.waitFor(1);
    const blocks = (request.json as { blocks: Block[] }).blocks;
    expect(blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Zoho connection for acme is dead' } });
    expect(blocks[1].fields?.map((field) => field.text)).toEqual(['*Severity*\nCRITICAL', '*Client*\nacme', '*Provider*\nzoho', '*Status*\nINVALID']);
    expect(blocks[2].text?.text).toBe('The refresh token was revoked. Re-authorize to restore the integration.');
  });

  it('leaves out fields the alert does not have', async () => {
    await sut.deliver(anAlert({ clientId: undefined, provider: undefined, status: undefined }));

    const [request] = await sink.waitFor(1);
    const blocks = (request.json as { blocks: Block[] }).blocks;
    expect(blocks[1].fields?.map((field) => field.text)).toEqual(['*Severity*\nCRITICAL']);
  });

  it('adds a Re-authorize button linking to the action URL', async () => {
    await sut.deliver(anAlert());

    const [request] = await sink.waitFor(1);
    const actions = (request.json as { blocks: Block[] }).blocks.find((block) => block.type === 'actions');
    expect(actions?.elements?.[0]).toMatchObject({
      text: { text: 'Re-authorize' },
      url: 'https://token-health.example.com/connect/abc?sig=xyz',
    });
  });

  it('adds no button when the alert has no action URL', async () => {
    await sut.deliver(anAlert({ actionUrl: undefined }));

    const [request] = await sink.waitFor(1);
    expect((request.json as { blocks: Block[] }).blocks.map((block) => block.type)).not.toContain('actions');
  });

  it('escapes Slack control sequences in the message', async () => {
    await sut.deliver(anAlert({ message: 'Provider said <!channel> & <https://evil.example|click>' }));

    const [request] = await sink.waitFor(1);
    expect((request.json as { blocks: Block[] }).blocks[2].text?.text).toBe(
      'Provider said &lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;',
    );
  });

  it.each([
    [500, DeliveryFailureKind.Retryable],
    [503, DeliveryFailureKind.Retryable],
    [429, DeliveryFailureKind.Retryable],
    [400, DeliveryFailureKind.Permanent],
    [404, DeliveryFailureKind.Permanent],
  ])('classifies a %i answer as %s', async (status, kind) => {
    sink.failNext(1, status);

    const error = await failureOf(sut.deliver(anAlert()));

    expect(error.code).toBe(kind);
  });

  it("reports the status and Slack's short error body", async () => {
    sink.failNext(1, 400, 'invalid_payload');

    const error = await failureOf(sut.deliver(anAlert()));

    expect(error.message).toBe('Slack webhook answered 400: invalid_payload');
  });

  it('keeps the webhook URL out of the error when Slack rejects the post', async () => {
    sink.failNext(1, 403, 'action_prohibited');

    const error = await failureOf(sut.deliver(anAlert()));

    expect(error.message).not.toContain('webhook-secret-42');
  });

  it('treats a timeout as retryable', async () => {
    sink.delay(1000);
    sut = new SlackChannel(configWith({ slackWebhookUrl: sink.url, channelTimeoutMs: 50 }));

    const error = await failureOf(sut.deliver(anAlert()));

    expect(error.code).toBe(DeliveryFailureKind.Retryable);
    expect(error.message).toBe('Slack webhook unreachable: timed out');
  });

  it('treats a refused connection as retryable, without the webhook URL in the error', async () => {
    const url = sink.url;
    await sink.close();
    sink = await WebhookSink.start();
    sut = new SlackChannel(configWith({ slackWebhookUrl: url }));

    const error = await failureOf(sut.deliver(anAlert()));

    expect(error.code).toBe(DeliveryFailureKind.Retryable);
    expect(error.message).not.toContain('webhook-secret-42');
  });
});
