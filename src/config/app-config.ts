import { AlertSeverity } from '../alerting/alert';

export interface ZohoConfig {
  clientId?: string;
  clientSecret?: string;
  accountsUrl: string;
  /** Origins (scheme://host[:port]) a token's accounts server may be. Includes `accountsUrl`. */
  allowedAccountsOrigins: string[];
  scopes: string[];
}

export interface SmtpConfig {
  url: string;
  from: string;
  to: string[];
}

export interface TwilioConfig {
  accountSid: string;
  authToken: string;
  from: string;
  to: string[];
  apiUrl: string;
}

/**
 * Typed, validated configuration. Built once at boot from the environment
 * (see `env.schema.ts`); the rest of the code never reads `process.env`.
 */
export class AppConfig {
  nodeEnv!: string;
  port!: number;
  /** Unset means: start the embedded PostgreSQL (main.ts fills it in before the app is created). */
  databaseUrl?: string;
  dataDir!: string;
  publicBaseUrl!: string;
  /** Undefined means: generate one at start and print it once. */
  adminApiToken?: string;
  /** Raw 32-byte key; undefined only before main.ts resolved the embedded-mode key. */
  tokenEncryptionKey?: Buffer;
  /** Keys that may still decrypt older values (rotation). */
  previousEncryptionKeys!: Buffer[];

  tokenHealth!: {
    cron: string;
    enabled: boolean;
    expiryWindowMinutes: number;
    minRefreshIntervalMinutes: number;
    concurrency: number;
    refreshExpiryWarningDays: number;
    providerTimeoutMs: number;
    providerMaxAttempts: number;
    leaseSeconds: number;
    /** Days of status-transition history kept. */
    historyDays: number;
  };

  zoho!: ZohoConfig;

  alerts!: {
    slackWebhookUrl?: string;
    smtp?: SmtpConfig;
    twilio?: TwilioConfig;
    smsMinSeverity: AlertSeverity;
    repeatIntervalMinutes: number;
    channelTimeoutMs: number;
    dispatchIntervalMs: number;
    /** Undefined: keep retrying retryable failures until delivered. */
    maxDeliveryAttempts?: number;
  };

  connect!: {
    linkTtlHours: number;
    stateTtlMinutes: number;
  };
}
