import { AlertSeverity } from '../common/alert-severity';
import { OAuthProviderSettings } from './oauth-provider-settings';

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
 * The resolved, validated options of TokenHealthModule: what its services
 * inject. A host app gives `TokenHealthModuleOptions` (see
 * `resolve-token-health-config.ts`); this repo's server builds it from the
 * environment (`parse-app-config.ts`). Nothing here reads `process.env`.
 */
export class AppConfig {
  publicBaseUrl!: string;
  /**
   * Undefined in a host app that brings its own guard (then the default guard
   * refuses everyone); the standalone server fills it in at start from
   * `<dataDir>/admin-token` (see admin-token.file.ts).
   */
  adminApiToken?: string;
  /** When set, /metrics needs it as a bearer token. */
  metricsToken?: string;
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
    /** A token the provider refused stays invalid and is retried at most this often. */
    deadGrantRetryHours: number;
  };

  zoho!: ZohoConfig;

  /** OAUTH_PROVIDERS in order, with their `<P>_*` settings. */
  oauthProviders!: OAuthProviderSettings[];
  /** Bound on fetching a `<P>_ISSUER`'s discovery document at start. */
  oauthDiscoveryTimeoutMs!: number;

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
    /** Outgoing Standard Webhooks channel; `secret` is `whsec_<base64>`. */
    webhook?: { url: string; secret: string };
    /** More tokens than this turning unhealthy at once → one digest per human channel. */
    digestThreshold: number;
  };

  /** When a provider counts as being in outage, over its refresh attempts of the last `windowMinutes`. */
  outage!: {
    minFailures: number;
    failureRatio: number;
    windowMinutes: number;
  };

  connect!: {
    linkTtlHours: number;
    stateTtlMinutes: number;
  };

  adminSession!: {
    /** Absolute lifetime of a console session, counted from its login. */
    maxHours: number;
  };
}
