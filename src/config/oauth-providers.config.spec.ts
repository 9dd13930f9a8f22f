import { ConfigError } from './config.error';
import { envPrefixOf, parseOAuthProviders } from './oauth-providers.config';

describe(parseOAuthProviders.name, () => {
  const failureOf = (env: Record<string, string>): string => {
    try {
      parseOAuthProviders(env);
    } catch (error) {
      if (error instanceof ConfigError) return error.message;
      throw error;
    }
    throw new Error('expected a ConfigError');
  };

  it('enables zoho alone by default', () => {
    expect(parseOAuthProviders({}).map((p) => p.name)).toEqual(['zoho']);
  });

  it('reads every listed provider with its own prefixed variables', () => {
    const sut = parseOAuthProviders({
      OAUTH_PROVIDERS: 'zoho, google,my-idp',
      GOOGLE_CLIENT_ID: 'g-id',
      GOOGLE_CLIENT_SECRET: 'g-secret',
      MY_IDP_ISSUER: 'https://idp.example.test/realms/acme',
    });

    expect(sut.map((p) => [p.name, p.envPrefix])).toEqual([['zoho', 'ZOHO'], ['google', 'GOOGLE'], ['my-idp', 'MY_IDP']]);
    expect(sut[1]).toMatchObject({ clientId: 'g-id', clientSecret: 'g-secret' });
    expect(sut[2].issuer).toBe('https://idp.example.test/realms/acme');
  });

  it('upper-cases the name and turns every non-alphanumeric into _ for the prefix', () => {
    expect(envPrefixOf('my-idp.eu_2')).toBe('MY_IDP_EU_2');
  });

  it('accepts scopes comma- or space-separated', () => {
    const [sut] = parseOAuthProviders({ OAUTH_PROVIDERS: 'google', GOOGLE_SCOPES: 'openid, email https://www.googleapis.com/auth/calendar' });

    expect(sut.scopes).toEqual(['openid', 'email', 'https://www.googleapis.com/auth/calendar']);
  });

  it('leaves scopes undefined when unset, so the preset defaults apply', () => {
    expect(parseOAuthProviders({ OAUTH_PROVIDERS: 'google' })[0].scopes).toBeUndefined();
  });

  it('accepts plain http for loopback hosts only', () => {
    expect(parseOAuthProviders({ OAUTH_PROVIDERS: 'idp', IDP_ISSUER: 'http://127.0.0.1:4000' })[0].issuer).toBe('http://127.0.0.1:4000/');
    expect(failureOf({ OAUTH_PROVIDERS: 'idp', IDP_TOKEN_URL: 'http://idp.example.test/token' })).toMatch(/^Invalid configuration: IDP_TOKEN_URL must be an https URL/);
  });

  it('refuses a name that cannot be a URL segment or a variable prefix', () => {
    expect(failureOf({ OAUTH_PROVIDERS: 'zoho,Bad/Name' })).toMatch(/^Invalid configuration: OAUTH_PROVIDERS: "bad\/name" is not a provider name/);
  });

  it('refuses two names that would share their variables', () => {
    expect(failureOf({ OAUTH_PROVIDERS: 'my-idp,my_idp' })).toContain('would share the MY_IDP_* variables');
  });

  it('refuses a tenant that is not an id or a domain', () => {
    expect(failureOf({ OAUTH_PROVIDERS: 'microsoft', MICROSOFT_TENANT: '../evil' })).toMatch(/^Invalid configuration: MICROSOFT_TENANT/);
  });
});
