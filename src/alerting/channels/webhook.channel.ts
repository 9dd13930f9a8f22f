import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { Alert, AlertAudience, alertEventType, AlertSeverity } from '../alert';
import { AlertChannel, AlertDeliveryError, DeliveryFailureKind } from './alert-channel';
import { answerSnippet } from './answer-snippet';
import { postToChannel } from './channel-http';
import { WebhookSigner } from './webhook-signer';

const ERROR_BODY_MAX_CHARS = 100;

/** The JSON a receiver gets. */
interface WebhookEvent {
  type: string;
  timestamp: string;
  data: {
    clientId: string | null;
    provider: string | null;
    status: string | null;
    severity: string;
    cause: string | null;
    error: string | null;
    actionUrl: string | null;
  };
}

/**
 * Posts one signed Standard Webhooks event per alert to the host application.
 * Machines react to every event, so it takes per-token events, never digests.
 * The URL and the secret never appear in an error message.
 */
@Injectable()
export class WebhookChannel extends AlertChannel {
  readonly name = 'webhook';
  readonly minSeverity = AlertSeverity.Info;
  override readonly audience = AlertAudience.Machines;

  constructor(private readonly config: AppConfig) {
    super();
  }

  get enabled(): boolean {
    return Boolean(this.config.alerts.webhook);
  }

  async deliver(alert: Alert): Promise<void> {
    const webhook = this.config.alerts.webhook;
    if (!webhook) throw new AlertDeliveryError(DeliveryFailureKind.Permanent, 'Webhook channel is not configured');
    if (!alert.id) throw new AlertDeliveryError(DeliveryFailureKind.Permanent, 'Alert has no id to send as webhook-id');

    const body = JSON.stringify(toEvent(alert));
    // Standard Webhooks: the timestamp is the attempt's, so receivers can refuse stale replays.
    const headers = new WebhookSigner(webhook.secret).headers(`msg_${alert.id}`, Math.floor(Date.now() / 1000), body);
    const refusal = await postToChannel('Webhook', webhook.url, {
      headers: { 'content-type': 'application/json', ...headers },
      body,
      timeoutMs: this.config.alerts.channelTimeoutMs,
    });
    if (!refusal) return;
    const retryable = refusal.status === 408 || refusal.status === 429 || refusal.status >= 500;
    const kind = retryable ? DeliveryFailureKind.Retryable : DeliveryFailureKind.Permanent;
    throw new AlertDeliveryError(kind, `Webhook answered ${refusal.status}: ${answerSnippet(refusal.text, ERROR_BODY_MAX_CHARS)}`);
  }
}

function toEvent(alert: Alert): WebhookEvent {
  return {
    type: alertEventType(alert),
    timestamp: alert.occurredAt ?? new Date().toISOString(),
    data: {
      clientId: alert.clientId ?? null,
      provider: alert.provider ?? null,
      status: alert.status ?? null,
      severity: alert.severity,
      cause: alert.cause ?? null,
      error: alert.error ?? null,
      actionUrl: alert.actionUrl ?? null,
    },
  };
}
