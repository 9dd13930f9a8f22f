import { ConfigError } from './config.error';
import { envSchema } from './env.schema';
import { CHECKED_MODULE_OPTIONS } from './module-option-rules';
import { resolveTokenHealthConfig } from './resolve-token-health-config';

const required = { encryptionKey: Buffer.alloc(32, 7), publicBaseUrl: 'http://localhost:3000' };

/** An option at a dotted path, as a host would write it. */
function optionAt(path: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = path.split('.');
  return { [head]: rest.length ? optionAt(rest.join('.'), value) : value };
}

// Each option beside its environment variable, with values the environment schema refuses.
const SAME_SETTING: [string, string, unknown[]][] = [
  ['ADMIN_API_TOKEN', 'adminApiToken', ['short-token', '']],
  ['METRICS_TOKEN', 'metricsToken', ['fifteen-chars!!']],
  ['TOKEN_HEALTH_EXPIRY_WINDOW_MINUTES', 'tokenHealth.expiryWindowMinutes', [-1, 1.5]],
  ['TOKEN_HEALTH_MIN_REFRESH_INTERVAL_MINUTES', 'tokenHealth.minRefreshIntervalMinutes', [-1]],
  ['TOKEN_HEALTH_CONCURRENCY', 'tokenHealth.concurrency', [0, 1001, 2.5]],
  ['TOKEN_HEALTH_REFRESH_EXPIRY_WARNING_DAYS', 'tokenHealth.refreshExpiryWarningDays', [-1]],
  ['TOKEN_HEALTH_PROVIDER_TIMEOUT_MS', 'tokenHealth.providerTimeoutMs', [0]],
  ['TOKEN_HEALTH_PROVIDER_MAX_ATTEMPTS', 'tokenHealth.providerMaxAttempts', [0, 11]],
  ['TOKEN_HEALTH_LEASE_SECONDS', 'tokenHealth.leaseSeconds', [0]],
  ['TOKEN_HEALTH_HISTORY_DAYS', 'tokenHealth.historyDays', [0]],
  ['OAUTH_DISCOVERY_TIMEOUT_MS', 'oauthDiscoveryTimeoutMs', [0]],
  ['SLACK_WEBHOOK_URL', 'alerts.slackWebhookUrl', ['not a url']],
  ['ALERT_SMS_MIN_SEVERITY', 'alerts.smsMinSeverity', ['loud']],
  ['ALERT_REPEAT_INTERVAL_MINUTES', 'alerts.repeatIntervalMinutes', [-5]],
  ['ALERT_CHANNEL_TIMEOUT_MS', 'alerts.channelTimeoutMs', [0]],
  ['ALERT_DISPATCH_INTERVAL_MS', 'alerts.dispatchIntervalMs', [0]],
  ['ALERT_MAX_DELIVERY_ATTEMPTS', 'alerts.maxDeliveryAttempts', [0]],
  ['ALERT_DIGEST_THRESHOLD', 'alerts.digestThreshold', [-1]],
  ['PROVIDER_OUTAGE_MIN_FAILURES', 'outage.minFailures', [0]],
  ['PROVIDER_OUTAGE_FAILURE_RATIO', 'outage.failureRatio', [0, 1.5]],
  ['CONNECT_LINK_TTL_HOURS', 'connect.linkTtlHours', [0]],
  ['OAUTH_STATE_TTL_MINUTES', 'connect.stateTtlMinutes', [-1]],
];

describe('module options, validated like the environment', () => {
  it.each(SAME_SETTING.flatMap(([env, path, values]) => values.map((value) => [path, JSON.stringify(value), env, value] as const)))(
    'refuses %s = %s, as the environment schema refuses %s, with one error naming the option',
    (path, _shown, env, value) => {
      expect(envSchema.validate({ [env]: String(value) }).error).toBeDefined();

      expect(() => resolveTokenHealthConfig({ ...required, ...optionAt(path, value) })).toThrow(
        new RegExp(`^Invalid TokenHealthModule options: ${path.replace(/\./g, '\\.')} must `),
      );
      expect(() => resolveTokenHealthConfig({ ...required, ...optionAt(path, value) })).toThrow(ConfigError);
    },
  );

  it('never shows the value of a secret it refuses', () => {
    expect(() => resolveTokenHealthConfig({ ...required, adminApiToken: 'hunter2-admin' })).toThrow(
      new ConfigError('Invalid TokenHealthModule options: adminApiToken must be a string of at least 16 characters'),
    );
  });

  it('accepts 16-character tokens', () => {
    const sut = resolveTokenHealthConfig({ ...required, adminApiToken: 'a'.repeat(16), metricsToken: 'm'.repeat(16) });

    expect(sut.adminApiToken).toBe('a'.repeat(16));
  });

  it('checks every option the table pairs with a variable', () => {
    expect(CHECKED_MODULE_OPTIONS).toEqual(expect.arrayContaining(SAME_SETTING.map(([, path]) => path)));
  });
});
