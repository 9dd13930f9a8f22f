import Joi from 'joi';
import { AlertSeverity } from '../common/alert-severity';
import { LOG_FORMATS, LOG_LEVEL_NAMES, LogFormat, LogLevelName } from './log-settings';

const httpUrl = Joi.string().uri({ scheme: ['http', 'https'] });
const commaList = Joi.string().trim().min(1);
const positiveInt = Joi.number().integer().positive();

/**
 * The environment after envSchema validated it: defaults applied, numbers and
 * booleans converted. Optional fields are the variables without a default.
 */
export interface ValidatedEnv {
  NODE_ENV: 'development' | 'production' | 'test';
  PORT: number;
  DATABASE_URL?: string;
  DATABASE_POOL_SIZE?: number;
  TOKEN_HEALTH_DATA_DIR: string;
  TOKEN_HEALTH_EMBEDDED_DATABASE: boolean;
  LOG_FORMAT: LogFormat;
  LOG_LEVEL: LogLevelName;
  PUBLIC_BASE_URL?: string;
  ADMIN_API_TOKEN?: string;
  TOKEN_ENCRYPTION_KEY?: string;
  TOKEN_ENCRYPTION_PREVIOUS_KEYS?: string;
  GRAPHQL_INTROSPECTION: boolean;
  METRICS_TOKEN?: string;

  TOKEN_HEALTH_CRON: string;
  TOKEN_HEALTH_ENABLED: boolean;
  TOKEN_HEALTH_EXPIRY_WINDOW_MINUTES: number;
  TOKEN_HEALTH_MIN_REFRESH_INTERVAL_MINUTES: number;
  TOKEN_HEALTH_CONCURRENCY: number;
  TOKEN_HEALTH_REFRESH_EXPIRY_WARNING_DAYS: number;
  TOKEN_HEALTH_PROVIDER_TIMEOUT_MS: number;
  TOKEN_HEALTH_PROVIDER_MAX_ATTEMPTS: number;
  TOKEN_HEALTH_LEASE_SECONDS: number;
  TOKEN_HEALTH_HISTORY_DAYS: number;
  TOKEN_HEALTH_DEAD_GRANT_RETRY_HOURS: number;

  ZOHO_CLIENT_ID?: string;
  ZOHO_CLIENT_SECRET?: string;
  ZOHO_ACCOUNTS_URL: string;
  ZOHO_ALLOWED_ACCOUNTS_URLS?: string;
  ZOHO_SCOPES: string;

  OAUTH_PROVIDERS: string;
  OAUTH_DISCOVERY_TIMEOUT_MS: number;

  SLACK_WEBHOOK_URL?: string;
  SMTP_URL?: string;
  ALERT_EMAIL_FROM: string;
  ALERT_EMAIL_TO?: string;
  TWILIO_ACCOUNT_SID?: string;
  TWILIO_AUTH_TOKEN?: string;
  TWILIO_FROM?: string;
  ALERT_SMS_TO?: string;
  TWILIO_API_URL: string;
  ALERT_SMS_MIN_SEVERITY: AlertSeverity;
  ALERT_REPEAT_INTERVAL_MINUTES: number;
  ALERT_CHANNEL_TIMEOUT_MS: number;
  ALERT_DISPATCH_INTERVAL_MS: number;
  ALERT_MAX_DELIVERY_ATTEMPTS?: number;
  ALERT_WEBHOOK_URL?: string;
  ALERT_WEBHOOK_SECRET?: string;
  ALERT_DIGEST_THRESHOLD: number;
  PROVIDER_OUTAGE_MIN_FAILURES: number;
  PROVIDER_OUTAGE_FAILURE_RATIO: number;
  PROVIDER_OUTAGE_WINDOW_MINUTES: number;

  CONNECT_LINK_TTL_HOURS: number;
  OAUTH_STATE_TTL_MINUTES: number;

  ADMIN_SESSION_MAX_HOURS: number;
}

/**
 * Every variable the service reads, with its default. Unknown variables
 * are allowed (the environment holds much more than ours).
 */
export const envSchema = Joi.object<ValidatedEnv, true>({
  NODE_ENV: Joi.string().valid('development', 'production', 'test').default('development'),
  PORT: Joi.number().port().default(3000),
  DATABASE_URL: Joi.string().uri({ scheme: ['postgres', 'postgresql'] }),
  // Unset: sized from the work (see databasePoolSize in app.module.ts), independent of TOKEN_HEALTH_CONCURRENCY.
  DATABASE_POOL_SIZE: positiveInt.max(1000),
  TOKEN_HEALTH_DATA_DIR: Joi.string().default('.data'),
  // Production must name its database; the embedded one there is opt-in.
  TOKEN_HEALTH_EMBEDDED_DATABASE: Joi.boolean()
    .truthy('1')
    .falsy('0')
    .when('NODE_ENV', { is: 'production', then: Joi.boolean().default(false), otherwise: Joi.boolean().default(true) }),
  LOG_FORMAT: Joi.string()
    .valid(...LOG_FORMATS)
    .when('NODE_ENV', { is: 'production', then: Joi.string().default('json'), otherwise: Joi.string().default('text') }),
  LOG_LEVEL: Joi.string()
    .valid(...LOG_LEVEL_NAMES)
    .default('log'),
  PUBLIC_BASE_URL: httpUrl,
  ADMIN_API_TOKEN: Joi.string().min(16),
  TOKEN_ENCRYPTION_KEY: Joi.string(),
  TOKEN_ENCRYPTION_PREVIOUS_KEYS: commaList,
  GRAPHQL_INTROSPECTION: Joi.boolean().truthy('1').falsy('0').default(false),
  METRICS_TOKEN: Joi.string().min(16),

  TOKEN_HEALTH_CRON: Joi.string().default('0 */30 * * * *'),
  TOKEN_HEALTH_ENABLED: Joi.boolean().truthy('1').falsy('0').default(true),
  TOKEN_HEALTH_EXPIRY_WINDOW_MINUTES: Joi.number().integer().min(0).default(60),
  TOKEN_HEALTH_MIN_REFRESH_INTERVAL_MINUTES: Joi.number().min(0).default(10),
  TOKEN_HEALTH_CONCURRENCY: positiveInt.max(1000).default(10),
  TOKEN_HEALTH_REFRESH_EXPIRY_WARNING_DAYS: Joi.number().min(0).default(7),
  TOKEN_HEALTH_PROVIDER_TIMEOUT_MS: positiveInt.default(10_000),
  TOKEN_HEALTH_PROVIDER_MAX_ATTEMPTS: positiveInt.max(10).default(3),
  TOKEN_HEALTH_LEASE_SECONDS: positiveInt.default(120),
  TOKEN_HEALTH_HISTORY_DAYS: Joi.number().positive().default(90),
  // A grant the provider refused is asked about again this seldom (a misclassification would show).
  TOKEN_HEALTH_DEAD_GRANT_RETRY_HOURS: Joi.number().min(0).default(24),

  ZOHO_CLIENT_ID: Joi.string(),
  ZOHO_CLIENT_SECRET: Joi.string(),
  ZOHO_ACCOUNTS_URL: httpUrl.default('https://accounts.zoho.com'),
  ZOHO_ALLOWED_ACCOUNTS_URLS: commaList,
  ZOHO_SCOPES: commaList.default('ZohoCRM.modules.ALL,ZohoCalendar.calendar.ALL'),

  // Provider catalog. The per-provider <P>_* variables depend on this list; they are
  // validated in oauth-providers.config.ts.
  OAUTH_PROVIDERS: commaList.default('zoho'),
  OAUTH_DISCOVERY_TIMEOUT_MS: positiveInt.default(10_000),

  SLACK_WEBHOOK_URL: httpUrl,
  SMTP_URL: Joi.string().uri({ scheme: ['smtp', 'smtps'] }),
  ALERT_EMAIL_FROM: Joi.string().default('token-health@localhost'),
  ALERT_EMAIL_TO: commaList,
  TWILIO_ACCOUNT_SID: Joi.string(),
  TWILIO_AUTH_TOKEN: Joi.string(),
  TWILIO_FROM: Joi.string(),
  ALERT_SMS_TO: commaList,
  TWILIO_API_URL: httpUrl.default('https://api.twilio.com'),
  ALERT_SMS_MIN_SEVERITY: Joi.string()
    .valid(...Object.values(AlertSeverity))
    .default(AlertSeverity.Critical),
  ALERT_REPEAT_INTERVAL_MINUTES: Joi.number().min(0).default(1440),
  ALERT_CHANNEL_TIMEOUT_MS: positiveInt.default(10_000),
  ALERT_DISPATCH_INTERVAL_MS: positiveInt.default(1000),
  // Unset: retry a retryable failure until it is delivered (the contract's promise).
  ALERT_MAX_DELIVERY_ATTEMPTS: positiveInt,
  ALERT_WEBHOOK_URL: httpUrl,
  // Joi's own pattern message quotes the value, which is a secret here.
  ALERT_WEBHOOK_SECRET: Joi.string()
    .pattern(/^whsec_[A-Za-z0-9+/]+={0,2}$/)
    .messages({ 'string.pattern.base': '{{#label}} must be whsec_ followed by base64' }),
  ALERT_DIGEST_THRESHOLD: Joi.number().integer().min(0).default(20),
  PROVIDER_OUTAGE_MIN_FAILURES: positiveInt.default(5),
  PROVIDER_OUTAGE_FAILURE_RATIO: Joi.number().greater(0).max(1).default(0.5),
  // The sliding window of refresh attempts (by anyone) an outage is decided over.
  PROVIDER_OUTAGE_WINDOW_MINUTES: Joi.number().greater(0).max(1440).default(5),

  CONNECT_LINK_TTL_HOURS: Joi.number().positive().default(168),
  OAUTH_STATE_TTL_MINUTES: Joi.number().positive().default(10),

  // A console session ends this long after its login, however active it stays.
  ADMIN_SESSION_MAX_HOURS: Joi.number().positive().max(720).default(12),
})
  // Half a webhook configuration is a mistake, not a wish to disable it.
  .and('ALERT_WEBHOOK_URL', 'ALERT_WEBHOOK_SECRET')
  .unknown(true);
