import { OAuthProvider } from './providers/oauth-provider';

/** The OAuth provider adapters this process knows, by name (`zoho`, …). */
export class OAuthProviderRegistry {
  private readonly byName: Map<string, OAuthProvider>;

  constructor(providers: OAuthProvider[]) {
    this.byName = new Map(providers.map((provider) => [provider.name, provider]));
  }

  get(name: string): OAuthProvider | undefined {
    return this.byName.get(name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }
}
