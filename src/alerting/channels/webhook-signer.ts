import { createHmac } from 'node:crypto';
import { ConfigError } from '../../config/config.error';

const SECRET_PREFIX = 'whsec_';

export interface WebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * Standard Webhooks signing: HMAC-SHA256 over `id.timestamp.body` keyed with the
 * base64 part of a `whsec_` secret, sent as `v1,<base64>`. Receivers verify with
 * any Standard Webhooks library; the timestamp lets them refuse replays.
 */
export class WebhookSigner {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = WebhookSigner.decodeSecret(secret);
  }

  /** The key bytes of a `whsec_<base64>` secret; throws (naming no part of it) when malformed. */
  static decodeSecret(secret: string): Buffer {
    const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : '';
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) {
      throw new ConfigError('A webhook secret is "whsec_" followed by base64');
    }
    return Buffer.from(encoded, 'base64');
  }

  sign(id: string, timestampSeconds: number, body: string): string {
    const mac = createHmac('sha256', this.key).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
    return `v1,${mac}`;
  }

  headers(id: string, timestampSeconds: number, body: string): WebhookHeaders {
    return {
      'webhook-id': id,
      'webhook-timestamp': String(timestampSeconds),
      'webhook-signature': this.sign(id, timestampSeconds, body),
    };
  }
}
