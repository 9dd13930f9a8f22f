import { CatalogEntry } from './providers/provider-catalog';
import { OAuthProvider } from './providers/oauth-provider';

/** An enabled provider: its adapter and what the catalog resolved for it. */
export interface RegisteredProvider {
  adapter: OAuthProvider;
  entry: CatalogEntry;
}

/** The OAuth providers this process has enabled (OAUTH_PROVIDERS), by name. */
export class OAuthProviderRegistry {
  private readonly byName: Map<string, RegisteredProvider>;

  constructor(providers: RegisteredProvider[]) {
    this.byName = new Map(providers.map((provider) => [provider.adapter.name, provider]));
  }

  get(name: string): OAuthProvider | undefined {
    return this.byName.get(name)?.adapter;
  }

  entry(name: string): CatalogEntry | undefined {
    return this.byName.get(name)?.entry;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  /** Enabled providers without OAuth app credentials: every refresh of theirs fails for our configuration. */
  withoutCredentials(): string[] {
    return [...this.byName.values()].filter((provider) => !provider.entry.credentials).map((provider) => provider.adapter.name);
  }
}
