import { ClientAuthMethod, ErrorRule, TokenRequestLimit } from './presets/provider-preset';

/** A provider ready to talk to: its preset (or discovery) resolved into absolute endpoints. */
export interface ProviderDefinition {
  name: string;
  title: string;
  authorizeUrl: string;
  tokenUrl: string;
  revokeUrl?: string;
  requiredScopes: string[];
  scopeSeparator: ' ' | ',';
  authorizeParams: Record<string, string>;
  clientAuth: ClientAuthMethod;
  errorRules: readonly ErrorRule[];
  apiDomainField?: string;
  tokenRequestLimit?: TokenRequestLimit;
}
