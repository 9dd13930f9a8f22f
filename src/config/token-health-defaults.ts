import { AlertSeverity } from '../common/alert-severity';
import { AppConfig } from './app-config';

/**
 * The module's defaults for a host app — the same values the server's
 * environment schema defaults to (a spec keeps the two equal).
 */
export function tokenHealthDefaults(): Omit<AppConfig, 'publicBaseUrl' | 'tokenEncryptionKey' | 'previousEncryptionKeys'> {
  return {
    adminApiToken: undefined,
    metricsToken: undefined,
    tokenHealth: {
      cron: '0 */30 * * * *',
      enabled: true,
      expiryWindowMinutes: 60,
      minRefreshIntervalMinutes: 10,
      concurrency: 10,
      refreshExpiryWarningDays: 7,
      providerTimeoutMs: 10_000,
      providerMaxAttempts: 3,
      leaseSeconds: 120,
      historyDays: 90,
      deadGrantRetryHours: 24,
    },
    zoho: {
      clientId: undefined,
      clientSecret: undefined,
      accountsUrl: 'https://accounts.zoho.com',
      // Filled in from the data-centre list when resolving, unless given.
      allowedAccountsOrigins: [],
      scopes: ['ZohoCRM.modules.ALL', 'ZohoCalendar.calendar.ALL'],
    },
    oauthProviders: [{ name: 'zoho', envPrefix: 'ZOHO' }],
    oauthDiscoveryTimeoutMs: 10_000,
    alerts: {
      slackWebhookUrl: undefined,
      smtp: undefined,
      twilio: undefined,
      smsMinSeverity: AlertSeverity.Critical,
      repeatIntervalMinutes: 1440,
      channelTimeoutMs: 10_000,
      dispatchIntervalMs: 1000,
      maxDeliveryAttempts: undefined,
      webhook: undefined,
      digestThreshold: 20,
    },
    outage: {
      minFailures: 5,
      failureRatio: 0.5,
      windowMinutes: 5,
    },
    connect: {
      linkTtlHours: 168,
      stateTtlMinutes: 10,
    },
    adminSession: {
      maxHours: 12,
    },
  };
}
