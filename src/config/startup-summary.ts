import { scheduleGapWarning, scheduleOutlook } from './schedule-outlook';
import { ServerConfig } from './server-config';

export interface StartupFacts {
  version: string;
  config: ServerConfig;
  /** Set when the embedded PostgreSQL runs. */
  embeddedDatabase?: { port: number; clusterDir: string };
  providers: { name: string; envPrefix: string; hasCredentials: boolean }[];
  poolSize: number;
  now?: Date;
}

export interface StartupSummary {
  /** One message, a line per subject; holds no secret. */
  summary: string;
  warnings: string[];
}

/** What this process runs, said once at start: where to reach it, what it talks to, when it works. */
export function startupSummary({ version, config, embeddedDatabase, providers, poolSize, now = new Date() }: StartupFacts): StartupSummary {
  const warnings: string[] = [];
  const base = config.publicBaseUrl;
  const channels = alertChannels(config);
  if (channels.length === 0) {
    warnings.push(
      'No alert channel is configured (SLACK_WEBHOOK_URL, SMTP_URL + ALERT_EMAIL_TO, TWILIO_*, ALERT_WEBHOOK_URL): nobody is told when a connection breaks',
    );
  }
  for (const provider of providers.filter((entry) => !entry.hasCredentials)) {
    warnings.push(
      `Provider ${provider.name} has no app credentials (${provider.envPrefix}_CLIENT_ID, ${provider.envPrefix}_CLIENT_SECRET): its tokens cannot be refreshed`,
    );
  }
  const lines = [
    `token-health ${version} started`,
    `console: ${base}/admin; API: ${base}/graphql; health: ${base}/health`,
    `database: ${describeDatabase(config, embeddedDatabase)}`,
    `providers: ${providers.map((entry) => `${entry.name} (${entry.hasCredentials ? 'app credentials set' : 'no app credentials'})`).join(', ')}`,
    `alert channels: ${channels.length > 0 ? channels.join(', ') : 'none'}`,
    `schedule: ${describeSchedule(config, now, warnings)}`,
    `concurrency: ${config.tokenHealth.concurrency} provider refreshes; database pool: ${poolSize} connections`,
  ];
  return { summary: lines.join('\n'), warnings };
}

function describeDatabase(config: ServerConfig, embedded?: StartupFacts['embeddedDatabase']): string {
  if (embedded) return `embedded PostgreSQL on 127.0.0.1:${embedded.port}, data in ${embedded.clusterDir}`;
  // Host, port and database only: the URL's credentials stay out of the log.
  const url = new URL(config.databaseUrl!);
  return `${url.hostname}:${url.port || '5432'}/${decodeURIComponent(url.pathname.slice(1)) || 'postgres'} (DATABASE_URL)`;
}

function alertChannels(config: ServerConfig): string[] {
  const { slackWebhookUrl, smtp, twilio, webhook } = config.alerts;
  return [slackWebhookUrl && 'slack', smtp && 'email', twilio && 'sms', webhook && 'webhook'].filter((name): name is string => Boolean(name));
}

function describeSchedule(config: ServerConfig, now: Date, warnings: string[]): string {
  const { cron, enabled, expiryWindowMinutes } = config.tokenHealth;
  if (!enabled) return `off in this process (TOKEN_HEALTH_ENABLED=false); TOKEN_HEALTH_CRON "${cron}"`;
  const { nextRuns, longestGapMs } = scheduleOutlook(cron, now);
  const gapWarning = scheduleGapWarning(cron, longestGapMs, expiryWindowMinutes);
  if (gapWarning) warnings.push(gapWarning);
  return `"${cron}"; next cycles at ${nextRuns[0].toISOString()} and ${nextRuns[1].toISOString()}`;
}
