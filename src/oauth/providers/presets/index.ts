import { GOOGLE_PRESET } from './google.preset';
import { HUBSPOT_PRESET } from './hubspot.preset';
import { MICROSOFT_PRESET } from './microsoft.preset';
import { ProviderPreset } from './provider-preset';
import { SALESFORCE_PRESET } from './salesforce.preset';
import { ZOHO_PRESET } from './zoho.preset';

/** The built-in providers by name; anything else in OAUTH_PROVIDERS is a custom one. */
export const PROVIDER_PRESETS: ReadonlyMap<string, ProviderPreset> = new Map(
  [ZOHO_PRESET, GOOGLE_PRESET, MICROSOFT_PRESET, SALESFORCE_PRESET, HUBSPOT_PRESET].map((preset) => [preset.name, preset]),
);
