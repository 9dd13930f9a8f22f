import { Injectable } from '@nestjs/common';
import { Alert, AlertSeverity } from '../../alerting/alert';
import { AppConfig } from '../../config/app-config';
import { envPrefixOf } from '../../config/oauth-provider-settings';
import { FailureCause } from '../../oauth/failure-cause';

/** Words of the one alert per provider whose OAuth app credentials are missing, its reminders and its resolved notice. */
@Injectable()
export class ProviderConfigurationComposer {
  constructor(private readonly config: AppConfig) {}

  missingCredentials(provider: string, affected: number, reminder: boolean): Alert {
    const prefix = envPrefixOf(provider);
    const error = `No OAuth app credentials are configured for ${provider}: ${affected} connection(s) cannot be refreshed`;
    const instruction = `set ${prefix}_CLIENT_ID and ${prefix}_CLIENT_SECRET and restart; the customers do not need to re-authorize.`;
    return {
      severity: AlertSeverity.Error,
      title: `OAuth app not configured: ${provider}`,
      message: [
        `${reminder ? 'Reminder: ' : ''}${error}.`,
        `What to do: ${instruction}`,
        'Their connections are not alerted one by one meanwhile.',
        `Console: ${this.config.publicBaseUrl}/admin?status=refresh_failed`,
      ].join('\n'),
      provider,
      status: 'misconfigured',
      cause: FailureCause.Configuration,
      error,
      instruction: `${instruction.charAt(0).toUpperCase()}${instruction.slice(1)}`,
      kind: reminder ? 'reminder' : 'alert',
      event: 'provider.misconfigured',
    };
  }

  configured(provider: string): Alert {
    return {
      severity: AlertSeverity.Info,
      title: `OAuth app configured: ${provider}`,
      message: `Resolved: ${provider} has OAuth app credentials again; its connections are refreshed (and alerted one by one) from the next check on.`,
      provider,
      status: 'configured',
      cause: FailureCause.Configuration,
      kind: 'resolved',
      event: 'provider.recovered',
    };
  }
}
