import { closestName } from './closest-name';
import { envSchema } from './env.schema';
import { PROVIDER_VARIABLE_SUFFIXES } from './oauth-providers.config';
import { OAuthProviderSettings } from './oauth-provider-settings';

// Prefixes only this service uses: a variable under them that it does not know is a typo or a leftover.
const PROJECT_PREFIXES = ['TOKEN_HEALTH_', 'TOKEN_ENCRYPTION_', 'ALERT_', 'SLACK_', 'SMTP_', 'TWILIO_', 'ZOHO_', 'OAUTH_', 'PROVIDER_OUTAGE_'];

/**
 * One warning per variable that carries one of this service's prefixes (or an enabled provider's)
 * but is none of its settings, naming the closest one. Provider prefixes (`GOOGLE_`) are shared
 * with other software, so there only a near miss is reported.
 */
export function unknownVariableWarnings(env: Record<string, string | undefined>, providers: OAuthProviderSettings[]): string[] {
  const providerNames = providers.flatMap(({ envPrefix }) => PROVIDER_VARIABLE_SUFFIXES.map((suffix) => `${envPrefix}_${suffix}`));
  const known = [...Object.keys(envSchema.describe().keys as Record<string, unknown>), ...providerNames];
  const knownSet = new Set(known);
  const providerPrefixes = providers.map(({ envPrefix }) => `${envPrefix}_`);
  const warnings: string[] = [];
  for (const name of Object.keys(env).sort()) {
    if (knownSet.has(name)) continue;
    const ours = PROJECT_PREFIXES.some((prefix) => name.startsWith(prefix));
    if (!ours && !providerPrefixes.some((prefix) => name.startsWith(prefix))) continue;
    const closest = closestName(name, known, ours ? Infinity : nearMissDistance(name));
    if (closest) warnings.push(`Unknown variable ${name} is ignored; did you mean ${closest}?`);
    else if (ours) warnings.push(`Unknown variable ${name} is ignored`);
  }
  return warnings;
}

function nearMissDistance(name: string): number {
  return Math.max(2, Math.floor(name.length / 5));
}
