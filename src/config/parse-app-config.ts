import { CronTime } from 'cron';
import { ConfigError } from './config.error';
import { envSchema } from './env.schema';
import { ZOHO_DATA_CENTRE_ACCOUNTS_URLS } from './zoho-accounts-servers';
import { parseEncryptionKey } from './encryption-key';
import { toAllowedOrigin } from './allowed-origin';
import { ServerConfig } from './server-config';
import { parseOAuthProviders } from './oauth-providers.config';

type Env = Record<string, string | undefined>;

const splitList = (value?: string): string[] =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

// Standard Webhooks asks for 24 to 64 bytes of key.
function webhookSecret(secret: string): string {
  const bytes = Buffer.from(secret.slice('whsec_'.length), 'base64').length;
  if (bytes < 24 || bytes > 64) {
    throw new ConfigError(`Invalid configuration: ALERT_WEBHOOK_SECRET must hold 24 to 64 bytes of base64 after "whsec_" (it holds ${bytes})`);
  }
  return secret;
}

// In a container the data dir is usually thrown away with it, so production has to ask for the embedded database.
function missingDatabaseMessage(nodeEnv: string): string {
  return nodeEnv === 'production'
    ? 'Invalid configuration: DATABASE_URL is required when NODE_ENV=production (TOKEN_HEALTH_EMBEDDED_DATABASE=true runs the embedded PostgreSQL in TOKEN_HEALTH_DATA_DIR instead)'
    : 'Invalid configuration: DATABASE_URL is required when TOKEN_HEALTH_EMBEDDED_DATABASE=false';
}

/** Validates the environment once and returns typed configuration, or throws one `ConfigError`. */
export function parseAppConfig(env: Env): ServerConfig {
  // Empty strings mean "unset" (docker/compose files often export VAR= ).
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const validated = envSchema.validate(present, { abortEarly: true, convert: true });
  if (validated.error) {
    throw new ConfigError(`Invalid configuration: ${validated.error.details[0].message.replace(/"/g, '')}`);
  }
  const v = validated.value;

  const config = new ServerConfig();
  config.nodeEnv = v.NODE_ENV;
  config.port = v.PORT;
  config.databaseUrl = v.DATABASE_URL;
  config.databasePoolSize = v.DATABASE_POOL_SIZE;
  config.dataDir = v.TOKEN_HEALTH_DATA_DIR;
  config.embeddedDatabase = v.TOKEN_HEALTH_EMBEDDED_DATABASE;
  if (!config.databaseUrl && !config.embeddedDatabase) throw new ConfigError(missingDatabaseMessage(v.NODE_ENV));
  config.log = { format: v.LOG_FORMAT, level: v.LOG_LEVEL };
  config.publicBaseUrl = (v.PUBLIC_BASE_URL ?? `http://localhost:${v.PORT}`).replace(/\/+$/, '');
  config.adminApiToken = v.ADMIN_API_TOKEN;
  config.graphqlIntrospection = v.GRAPHQL_INTROSPECTION;
  config.metricsToken = v.METRICS_TOKEN;
  config.tokenEncryptionKey = v.TOKEN_ENCRYPTION_KEY ? parseEncryptionKey('TOKEN_ENCRYPTION_KEY', v.TOKEN_ENCRYPTION_KEY) : undefined;
  config.previousEncryptionKeys = splitList(v.TOKEN_ENCRYPTION_PREVIOUS_KEYS).map((key) => parseEncryptionKey('TOKEN_ENCRYPTION_PREVIOUS_KEYS', key));
  if (config.databaseUrl && !config.tokenEncryptionKey) {
    throw new ConfigError('Invalid configuration: TOKEN_ENCRYPTION_KEY is required when DATABASE_URL is set');
  }

  try {
    new CronTime(v.TOKEN_HEALTH_CRON);
  } catch {
    throw new ConfigError(`Invalid configuration: TOKEN_HEALTH_CRON is not a valid cron expression ("${v.TOKEN_HEALTH_CRON}")`);
  }
  config.tokenHealth = {
    cron: v.TOKEN_HEALTH_CRON,
    enabled: v.TOKEN_HEALTH_ENABLED,
    expiryWindowMinutes: v.TOKEN_HEALTH_EXPIRY_WINDOW_MINUTES,
    minRefreshIntervalMinutes: v.TOKEN_HEALTH_MIN_REFRESH_INTERVAL_MINUTES,
    concurrency: v.TOKEN_HEALTH_CONCURRENCY,
    refreshExpiryWarningDays: v.TOKEN_HEALTH_REFRESH_EXPIRY_WARNING_DAYS,
    providerTimeoutMs: v.TOKEN_HEALTH_PROVIDER_TIMEOUT_MS,
    providerMaxAttempts: v.TOKEN_HEALTH_PROVIDER_MAX_ATTEMPTS,
    leaseSeconds: v.TOKEN_HEALTH_LEASE_SECONDS,
    historyDays: v.TOKEN_HEALTH_HISTORY_DAYS,
    deadGrantRetryHours: v.TOKEN_HEALTH_DEAD_GRANT_RETRY_HOURS,
  };

  const accountsUrl = toAllowedOrigin('ZOHO_ACCOUNTS_URL', v.ZOHO_ACCOUNTS_URL);
  const allowed = v.ZOHO_ALLOWED_ACCOUNTS_URLS ? splitList(v.ZOHO_ALLOWED_ACCOUNTS_URLS) : ZOHO_DATA_CENTRE_ACCOUNTS_URLS;
  config.zoho = {
    clientId: v.ZOHO_CLIENT_ID,
    clientSecret: v.ZOHO_CLIENT_SECRET,
    accountsUrl,
    allowedAccountsOrigins: [...new Set([accountsUrl, ...allowed.map((url) => toAllowedOrigin('ZOHO_ALLOWED_ACCOUNTS_URLS', url))])],
    scopes: splitList(v.ZOHO_SCOPES),
  };

  config.oauthProviders = parseOAuthProviders(present as Record<string, string>);
  config.oauthDiscoveryTimeoutMs = v.OAUTH_DISCOVERY_TIMEOUT_MS;

  const emailTo = splitList(v.ALERT_EMAIL_TO);
  const smsTo = splitList(v.ALERT_SMS_TO);
  const { TWILIO_ACCOUNT_SID: accountSid, TWILIO_AUTH_TOKEN: authToken, TWILIO_FROM: from } = v;
  config.alerts = {
    slackWebhookUrl: v.SLACK_WEBHOOK_URL,
    smtp: v.SMTP_URL && emailTo.length > 0 ? { url: v.SMTP_URL, from: v.ALERT_EMAIL_FROM, to: emailTo } : undefined,
    twilio:
      accountSid && authToken && from && smsTo.length > 0
        ? { accountSid, authToken, from, to: smsTo, apiUrl: v.TWILIO_API_URL.replace(/\/+$/, '') }
        : undefined,
    smsMinSeverity: v.ALERT_SMS_MIN_SEVERITY,
    repeatIntervalMinutes: v.ALERT_REPEAT_INTERVAL_MINUTES,
    channelTimeoutMs: v.ALERT_CHANNEL_TIMEOUT_MS,
    dispatchIntervalMs: v.ALERT_DISPATCH_INTERVAL_MS,
    maxDeliveryAttempts: v.ALERT_MAX_DELIVERY_ATTEMPTS,
    // The schema takes both or neither.
    webhook: v.ALERT_WEBHOOK_URL && v.ALERT_WEBHOOK_SECRET ? { url: v.ALERT_WEBHOOK_URL, secret: webhookSecret(v.ALERT_WEBHOOK_SECRET) } : undefined,
    digestThreshold: v.ALERT_DIGEST_THRESHOLD,
  };
  config.outage = {
    minFailures: v.PROVIDER_OUTAGE_MIN_FAILURES,
    failureRatio: v.PROVIDER_OUTAGE_FAILURE_RATIO,
    windowMinutes: v.PROVIDER_OUTAGE_WINDOW_MINUTES,
  };

  config.connect = {
    linkTtlHours: v.CONNECT_LINK_TTL_HOURS,
    stateTtlMinutes: v.OAUTH_STATE_TTL_MINUTES,
  };
  config.adminSession = { maxHours: v.ADMIN_SESSION_MAX_HOURS };
  return config;
}
