import { Injectable } from '@nestjs/common';
import { Alert, AlertSeverity } from '../../alerting/alert';
import { AppConfig } from '../../config/app-config';
import { FailureCause } from '../../oauth/failure-cause';
import { ProviderOutage } from './provider-outage.repository';

/** Words of the one alert per provider outage, its reminders and its recovery notice. */
@Injectable()
export class ProviderOutageComposer {
  constructor(private readonly config: AppConfig) {}

  outage(outage: ProviderOutage, reminder: boolean): Alert {
    const { provider } = outage;
    const error = `${outage.failures} of ${outage.attempts} refreshes at ${provider} failed transiently in the last ${minutes(this.config.outage.windowMinutes)}`;
    const lines = [
      `${reminder ? 'Reminder: still ' : ''}${provider} is failing token refreshes for many connections at once (since ${outage.since.toISOString()}).`,
      `Error: ${error}.`,
      'What to do: nothing per customer — this looks like an outage at the provider. The connections are retried every check; ' +
        'one alert per connection is held back until the provider recovers. Revoked connections are still alerted one by one.',
      `Console: ${this.config.publicBaseUrl}/admin?status=refresh_failed`,
    ];
    return {
      severity: AlertSeverity.Error,
      title: `Provider outage: ${provider}`,
      message: lines.join('\n'),
      provider,
      status: 'outage',
      cause: FailureCause.ProviderFailing,
      error,
      kind: reminder ? 'reminder' : 'alert',
      event: 'provider.outage',
    };
  }

  recovered(outage: ProviderOutage): Alert {
    const { provider } = outage;
    return {
      severity: AlertSeverity.Info,
      title: `Provider recovered: ${provider}`,
      message:
        `Resolved: token refreshes at ${provider} succeed again (outage since ${outage.since.toISOString()}). ` +
        'Connections that still fail are now alerted one by one.',
      provider,
      status: 'recovered',
      cause: FailureCause.ProviderFailing,
      kind: 'resolved',
      event: 'provider.recovered',
    };
  }
}

function minutes(value: number): string {
  return value === 1 ? 'minute' : `${value} minutes`;
}
