import { AlertSeverity } from '../common/alert-severity';
import { AppConfig } from './app-config';
import { ConfigError } from './config.error';

/** One check of a resolved option: undefined when it holds, else what it must be. */
type Rule = (value: unknown) => string | undefined;

const optional =
  (rule: Rule): Rule =>
  (value) =>
    value === undefined || value === null ? undefined : rule(value);
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const number =
  (what: string, holds: (n: number) => boolean): Rule =>
  (value) =>
    isNumber(value) && holds(value) ? undefined : `must be ${what}`;
const positiveInt = (max = Infinity) =>
  number(max === Infinity ? 'a positive integer' : `an integer from 1 to ${max}`, (n) => Number.isInteger(n) && n >= 1 && n <= max);
const wholeNumber = number('an integer of 0 or more', (n) => Number.isInteger(n) && n >= 0);
const atLeastZero = number('a number of 0 or more', (n) => n >= 0);
const positive = number('a number above 0', (n) => n > 0);
// A bearer secret shorter than this is guessable; the message never shows the value.
const secret: Rule = (value) => (typeof value === 'string' && value.length >= 16 ? undefined : 'must be a string of at least 16 characters');
const httpUrl: Rule = (value) => (typeof value === 'string' && /^https?:\/\/[^\s/]+/.test(value) ? undefined : 'must be an http(s) URL');
const boolean: Rule = (value) => (typeof value === 'boolean' ? undefined : 'must be true or false');
const severity: Rule = (value) =>
  Object.values(AlertSeverity).includes(value as AlertSeverity) ? undefined : `must be one of ${Object.values(AlertSeverity).join(', ')}`;
const webhookSecret: Rule = (value) =>
  typeof value === 'string' && /^whsec_[A-Za-z0-9+/]+={0,2}$/.test(value) ? undefined : 'must be whsec_ followed by base64';

/** The module's options with the rules the server's environment schema applies to the same settings. */
const RULES: Record<string, Rule> = {
  adminApiToken: optional(secret),
  metricsToken: optional(secret),
  'tokenHealth.enabled': boolean,
  'tokenHealth.expiryWindowMinutes': wholeNumber,
  'tokenHealth.minRefreshIntervalMinutes': atLeastZero,
  'tokenHealth.concurrency': positiveInt(1000),
  'tokenHealth.refreshExpiryWarningDays': atLeastZero,
  'tokenHealth.providerTimeoutMs': positiveInt(),
  'tokenHealth.providerMaxAttempts': positiveInt(10),
  'tokenHealth.leaseSeconds': positiveInt(),
  'tokenHealth.historyDays': positive,
  oauthDiscoveryTimeoutMs: positiveInt(),
  'alerts.slackWebhookUrl': optional(httpUrl),
  'alerts.smsMinSeverity': severity,
  'alerts.repeatIntervalMinutes': atLeastZero,
  'alerts.channelTimeoutMs': positiveInt(),
  'alerts.dispatchIntervalMs': positiveInt(),
  'alerts.maxDeliveryAttempts': optional(positiveInt()),
  'alerts.digestThreshold': wholeNumber,
  'alerts.webhook.url': optional(httpUrl),
  'alerts.webhook.secret': optional(webhookSecret),
  'outage.minFailures': positiveInt(),
  'outage.failureRatio': number('a number above 0 and at most 1', (n) => n > 0 && n <= 1),
  'connect.linkTtlHours': positive,
  'connect.stateTtlMinutes': positive,
};

/** The option paths checked, for the spec that holds them to the environment schema. */
export const CHECKED_MODULE_OPTIONS = Object.keys(RULES);

/** Throws one ConfigError naming the first option of `config` that breaks its rule. */
export function assertModuleOptions(config: AppConfig): void {
  for (const [path, rule] of Object.entries(RULES)) {
    const problem = rule(path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], config));
    if (problem) throw new ConfigError(`Invalid TokenHealthModule options: ${path} ${problem}`);
  }
}
