import { Injectable, Logger } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { AppConfig, SmtpConfig } from '../../config/app-config';
import { Alert, AlertSeverity } from '../alert';
import { AlertChannel, AlertDeliveryError, DeliveryFailureKind } from './alert-channel';
import { escapeHtml, truncate } from '../../common/text';

const ERROR_MESSAGE_MAX_CHARS = 200;

interface SmtpError {
  code?: string;
  responseCode?: number;
  message?: string;
}

/**
 * Sends alerts by email over SMTP. The SMTP URL carries the password, so neither
 * the URL nor its credentials appear in an error message.
 */
@Injectable()
export class EmailChannel extends AlertChannel {
  readonly name = 'email';
  readonly minSeverity = AlertSeverity.Info;
  private readonly logger = new Logger(EmailChannel.name);
  private transport?: Transporter<SMTPTransport.SentMessageInfo>;

  constructor(private readonly config: AppConfig) {
    super();
  }

  get enabled(): boolean {
    return Boolean(this.config.alerts.smtp);
  }

  async deliver(alert: Alert): Promise<void> {
    const smtp = this.config.alerts.smtp;
    if (!smtp) {
      throw new AlertDeliveryError(DeliveryFailureKind.Permanent, 'Email channel is not configured');
    }
    let info: SMTPTransport.SentMessageInfo;
    try {
      info = await this.getTransport(smtp).sendMail({
        from: smtp.from,
        to: smtp.to,
        subject: alert.title,
        text: buildText(alert),
        html: buildHtml(alert),
      });
    } catch (error) {
      throw toDeliveryError(error ?? {}, smtp.url);
    }
    // The accepted recipients already have the mail; retrying would send it to them twice.
    if (info.rejected.length > 0) {
      this.logger.warn(`Alert email rejected for ${info.rejected.length} of ${smtp.to.length} recipients`);
    }
  }

  // Created on first use so a misconfigured URL surfaces as a delivery failure, not a boot crash.
  private getTransport(smtp: SmtpConfig): Transporter<SMTPTransport.SentMessageInfo> {
    if (!this.transport) {
      const timeoutMs = this.config.alerts.channelTimeoutMs;
      this.transport = createTransport({
        url: smtp.url,
        connectionTimeout: timeoutMs,
        greetingTimeout: timeoutMs,
        socketTimeout: timeoutMs,
      });
    }
    return this.transport;
  }
}

function buildText(alert: Alert): string {
  const lines = [alert.message];
  if (alert.actionUrl && !alert.message.includes(alert.actionUrl)) {
    lines.push('', `Re-authorize: ${alert.actionUrl}`);
  }
  return lines.join('\n');
}

function buildHtml(alert: Alert): string {
  const paragraphs = alert.message.split(/\n{2,}/).map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, '<br>\n')}</p>`);
  if (alert.actionUrl) {
    paragraphs.push(`<p><a href="${escapeHtml(alert.actionUrl)}">Re-authorize</a></p>`);
  }
  return [`<h2>${escapeHtml(alert.title)}</h2>`, ...paragraphs].join('\n');
}

// A 5xx reply is the server's final word; anything else (4xx, refused, timeout) may pass later.
function toDeliveryError(error: SmtpError, smtpUrl: string): AlertDeliveryError {
  const kind = error.responseCode !== undefined && error.responseCode >= 500 ? DeliveryFailureKind.Permanent : DeliveryFailureKind.Retryable;
  const code = [error.code, error.responseCode].filter((part) => part !== undefined).join(' ') || 'error';
  const detail = redactCredentials(error.message ?? '', smtpUrl);
  return new AlertDeliveryError(kind, `Email delivery failed (${code}): ${truncate(detail, ERROR_MESSAGE_MAX_CHARS)}`);
}

// Servers and libraries may echo what they were given; strip anything that could be the password.
function redactCredentials(text: string, smtpUrl: string): string {
  const secrets = [smtpUrl];
  try {
    const { password } = new URL(smtpUrl);
    if (password) secrets.push(password, decodeURIComponent(password));
  } catch {
    // An unparsable URL is still redacted as a whole above.
  }
  return secrets.reduce((redacted, secret) => redacted.split(secret).join('***'), text);
}
