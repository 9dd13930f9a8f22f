import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { Alert, AlertSeverity } from '../alert';
import { AlertChannel, AlertDeliveryError, DeliveryFailureKind } from './alert-channel';
import { truncate } from '../../common/text';
import { answerSnippet } from './answer-snippet';
import { postToChannel } from './channel-http';

// Slack rejects the whole payload (invalid_blocks) when a block exceeds its limits.
const HEADER_MAX_CHARS = 150;
const SECTION_MAX_CHARS = 3000;
const ERROR_BODY_MAX_CHARS = 100;

type SlackBlock = Record<string, unknown>;

/**
 * Posts alerts to a Slack incoming webhook. The webhook URL is a secret (whoever
 * has it can post), so it never appears in an error message.
 */
@Injectable()
export class SlackChannel extends AlertChannel {
  readonly name = 'slack';
  readonly minSeverity = AlertSeverity.Info;

  constructor(private readonly config: AppConfig) {
    super();
  }

  get enabled(): boolean {
    return Boolean(this.config.alerts.slackWebhookUrl);
  }

  async deliver(alert: Alert): Promise<void> {
    const webhookUrl = this.config.alerts.slackWebhookUrl;
    if (!webhookUrl) {
      throw new AlertDeliveryError(DeliveryFailureKind.Permanent, 'Slack channel is not configured');
    }
    const refusal = await postToChannel('Slack webhook', webhookUrl, {
      headers: { 'content-type': 'application/json' },
      // The top-level text is the notification preview; Slack reads its <...> as links and mentions too.
      body: JSON.stringify({ text: escapeMrkdwn(alert.title), blocks: buildBlocks(alert) }),
      timeoutMs: this.config.alerts.channelTimeoutMs,
    });
    if (!refusal) return;
    const retryable = refusal.status === 429 || refusal.status >= 500;
    const kind = retryable ? DeliveryFailureKind.Retryable : DeliveryFailureKind.Permanent;
    throw new AlertDeliveryError(kind, `Slack webhook answered ${refusal.status}: ${answerSnippet(refusal.text, ERROR_BODY_MAX_CHARS)}`);
  }
}

function buildBlocks(alert: Alert): SlackBlock[] {
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(alert.title, HEADER_MAX_CHARS) } },
    { type: 'section', fields: buildFields(alert) },
    { type: 'section', text: { type: 'mrkdwn', text: truncate(escapeMrkdwn(alert.message), SECTION_MAX_CHARS) } },
  ];
  if (alert.actionUrl) {
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: alert.event === 'digest' ? 'Open the console' : 'Re-authorize' },
          url: alert.actionUrl,
          style: 'primary',
        },
      ],
    });
  }
  return blocks;
}

function buildFields(alert: Alert): SlackBlock[] {
  const fields: [string, string | undefined][] = [
    ['Severity', alert.severity.toUpperCase()],
    ['Client', alert.clientId],
    ['Provider', alert.provider],
    ['Status', alert.status],
    ['Cause', alert.cause],
  ];
  return fields
    .filter((field): field is [string, string] => Boolean(field[1]))
    .map(([label, value]) => ({ type: 'mrkdwn', text: `*${label}*\n${escapeMrkdwn(value)}` }));
}

// Slack reads <...> as links and mentions (`<!channel>`), so text from outside must not carry them.
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
