import { Injectable } from '@nestjs/common';
import { AppConfig, TwilioConfig } from '../../config/app-config';
import { Alert, AlertSeverity } from '../alert';
import { AlertChannel, AlertDeliveryError, DeliveryFailureKind } from './alert-channel';
import { truncate } from '../../common/text';
import { answerSnippet } from './answer-snippet';
import { postToChannel } from './channel-http';

// Two concatenated GSM-7 segments; beyond that carriers split or drop messages.
const BODY_MAX_CHARS = 320;
// A title cut shorter than this says nothing, so the link is dropped instead.
const MIN_TITLE_CHARS = 20;
const ERROR_DETAIL_MAX_CHARS = 200;

/**
 * Sends alerts as SMS through Twilio's Messages API, one request per recipient.
 * The auth token never appears in an error message.
 */
@Injectable()
export class SmsChannel extends AlertChannel {
  readonly name = 'sms';

  constructor(private readonly config: AppConfig) {
    super();
  }

  get enabled(): boolean {
    return Boolean(this.config.alerts.twilio);
  }

  get minSeverity(): AlertSeverity {
    return this.config.alerts.smsMinSeverity;
  }

  async deliver(alert: Alert): Promise<void> {
    const twilio = this.config.alerts.twilio;
    if (!twilio) {
      throw new AlertDeliveryError(DeliveryFailureKind.Permanent, 'SMS channel is not configured');
    }
    const body = buildSmsBody(alert);
    // Every recipient gets its chance even when an earlier one fails.
    const results = await Promise.allSettled(twilio.to.map((to) => this.send(twilio, to, body)));
    const failures = results.flatMap((result) => (result.status === 'rejected' ? [toDeliveryError(result.reason)] : []));
    if (failures.length === 0) return;
    // One retryable failure makes the whole delivery worth another attempt.
    const kind = failures.some((failure) => failure.code === DeliveryFailureKind.Retryable)
      ? DeliveryFailureKind.Retryable
      : DeliveryFailureKind.Permanent;
    const summary = `${failures.length} of ${twilio.to.length} SMS failed: ${failures.map((failure) => failure.message).join('; ')}`;
    throw new AlertDeliveryError(kind, summary);
  }

  private async send(twilio: TwilioConfig, to: string, body: string): Promise<void> {
    const url = `${twilio.apiUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(twilio.accountSid)}/Messages.json`;
    const credentials = Buffer.from(`${twilio.accountSid}:${twilio.authToken}`).toString('base64');
    const refusal = await postToChannel('Twilio', url, {
      headers: { authorization: `Basic ${credentials}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ To: to, From: twilio.from, Body: body }),
      timeoutMs: this.config.alerts.channelTimeoutMs,
    });
    if (!refusal) return;
    const kind = refusal.status === 429 || refusal.status >= 500 ? DeliveryFailureKind.Retryable : DeliveryFailureKind.Permanent;
    throw new AlertDeliveryError(kind, `Twilio answered ${refusal.status}${describeTwilioError(refusal.text)}`);
  }
}

function buildSmsBody(alert: Alert): string {
  const prefix = `[${alert.severity.toUpperCase()}] `;
  const link = alert.actionUrl ? ` ${alert.actionUrl}` : '';
  const titleRoom = BODY_MAX_CHARS - prefix.length - link.length;
  // A cut link is useless, so the title gives way first and the link goes only when nothing else fits.
  if (link && titleRoom >= MIN_TITLE_CHARS) return prefix + truncate(alert.title, titleRoom) + link;
  return truncate(prefix + alert.title, BODY_MAX_CHARS);
}

function describeTwilioError(responseText: string): string {
  try {
    const error = JSON.parse(responseText) as { code?: unknown; message?: unknown };
    const detail = [error.code, error.message]
      .filter((part): part is string | number => typeof part === 'string' || typeof part === 'number')
      .join(' ');
    return detail ? `: ${answerSnippet(detail, ERROR_DETAIL_MAX_CHARS)}` : '';
  } catch {
    const snippet = answerSnippet(responseText, ERROR_DETAIL_MAX_CHARS);
    return snippet ? `: ${snippet}` : '';
  }
}

function toDeliveryError(reason: unknown): AlertDeliveryError {
  if (reason instanceof AlertDeliveryError) return reason;
  return new AlertDeliveryError(DeliveryFailureKind.Retryable, reason instanceof Error ? reason.name : 'unknown error');
}
