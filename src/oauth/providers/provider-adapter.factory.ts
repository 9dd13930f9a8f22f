import { assertNever } from '../../common/assert-never';
import { GenericOAuth2Provider } from './generic-oauth2.provider';
import { HttpTokenClient } from './http-token-client';
import { OAuthProvider } from './oauth-provider';
import { CatalogEntry } from './provider-catalog';
import { ZohoProvider } from './zoho.provider';

/** The wire adapter for one catalog entry, chosen by its preset's adapter kind. */
export function createProviderAdapter(entry: CatalogEntry, client: HttpTokenClient): OAuthProvider {
  switch (entry.adapter) {
    case 'zoho':
      return new ZohoProvider(client, undefined, entry.definition.name);
    case 'rfc6749':
      return new GenericOAuth2Provider(entry.definition, client);
    default:
      return assertNever(entry.adapter);
  }
}
