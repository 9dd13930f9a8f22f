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

    expect(sut.map((p) => [p.name, p.envPrefix])).toEqual([
      ['zoho', 'ZOHO'],
      ['google', 'GOOGLE'],
      ['my-idp', 'MY_IDP'],
    ]);
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
    expect(failureOf({ OAUTH_PROVIDERS: 'idp', IDP_TOKEN_URL: 'http://idp.example.test/token' })).toMatch(
      /^Invalid configuration: IDP_TOKEN_URL must be an https URL/,
    );
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

  it('refuses a list that names no provider', () => {
    expect(failureOf({ OAUTH_PROVIDERS: ' , ' })).toBe('Invalid configuration: OAUTH_PROVIDERS must name at least one provider');
  });

  it('accepts providers separated by spaces alone, ignoring leading and doubled separators', () => {
    expect(parseOAuthProviders({ OAUTH_PROVIDERS: ', google\tmicrosoft,,  idp ' }).map((p) => p.name)).toEqual(['google', 'microsoft', 'idp']);
  });

  it('lower-cases provider names and reads each only once', () => {
    expect(parseOAuthProviders({ OAUTH_PROVIDERS: 'Google,GOOGLE' }).map((p) => p.name)).toEqual(['google']);
  });

  it('accepts a provider name of 32 characters', () => {
    const name = 'a'.repeat(32);

    expect(parseOAuthProviders({ OAUTH_PROVIDERS: name })[0].name).toBe(name);
  });

  it('refuses a provider name of 33 characters', () => {
    expect(failureOf({ OAUTH_PROVIDERS: 'a'.repeat(33) })).toContain(`"${'a'.repeat(33)}" is not a provider name`);
  });

  it('quotes at most 40 characters of a refused provider name', () => {
    expect(failureOf({ OAUTH_PROVIDERS: 'a'.repeat(50) })).toContain(`OAUTH_PROVIDERS: "${'a'.repeat(40)}" is not a provider name`);
  });

  it('names both providers and the shared prefix when two would share their variables', () => {
    expect(failureOf({ OAUTH_PROVIDERS: 'my-idp,my_idp' })).toBe(
      'Invalid configuration: OAUTH_PROVIDERS: "my-idp" and "my_idp" would share the MY_IDP_* variables',
    );
  });

  it('trims the values of the provider variables', () => {
    expect(parseOAuthProviders({ OAUTH_PROVIDERS: 'google', GOOGLE_CLIENT_ID: '  g-id  ' })[0].clientId).toBe('g-id');
  });

  it('refuses a value over 2048 characters, naming the variable', () => {
    expect(failureOf({ OAUTH_PROVIDERS: 'google', GOOGLE_CLIENT_SECRET: 'x'.repeat(2049) })).toBe(
      'Invalid configuration: GOOGLE_CLIENT_SECRET length must be less than or equal to 2048 characters long',
    );
  });

  it('quotes at most 100 characters of a refused URL', () => {
    const url = `http://idp.example.test/${'p'.repeat(200)}`;

    expect(failureOf({ OAUTH_PROVIDERS: 'idp', IDP_ISSUER: url })).toBe(
      `Invalid configuration: IDP_ISSUER must be an https URL (plain http only for loopback hosts), got "${url.slice(0, 100)}"`,
    );
  });

  it('reads every endpoint URL of a provider', () => {
    const [sut] = parseOAuthProviders({
      OAUTH_PROVIDERS: 'idp',
      IDP_TOKEN_URL: 'https://idp.example.test/token',
      IDP_AUTHORIZE_URL: 'https://idp.example.test/authorize',
      IDP_REVOKE_URL: 'https://idp.example.test/revoke',
    });

    expect(sut).toMatchObject({
      tokenUrl: 'https://idp.example.test/token',
      authorizeUrl: 'https://idp.example.test/authorize',
      revokeUrl: 'https://idp.example.test/revoke',
    });
    expect(sut.issuer).toBeUndefined();
  });

  it('accepts a tenant domain and lower-cases the preset name', () => {
    const [sut] = parseOAuthProviders({ OAUTH_PROVIDERS: 'idp', IDP_TENANT: 'contoso.onmicrosoft.com', IDP_PRESET: 'Microsoft' });

    expect(sut).toMatchObject({ tenant: 'contoso.onmicrosoft.com', preset: 'microsoft' });
  });

  it('refuses a tenant of more than 100 characters, saying what a tenant is', () => {
    expect(failureOf({ OAUTH_PROVIDERS: 'microsoft', MICROSOFT_TENANT: 'a'.repeat(101) })).toBe(
      'Invalid configuration: MICROSOFT_TENANT must be a tenant id or domain (letters, digits, "." and "-")',
    );
  });

  it('reads a refresh budget per provider', () => {
    const [sut] = parseOAuthProviders({ OAUTH_PROVIDERS: 'zoho', ZOHO_MAX_REFRESH_RATE: '20.5', ZOHO_MAX_REFRESH_CONCURRENCY: '4' });

    expect(sut).toMatchObject({ maxRefreshRate: 20.5, maxRefreshConcurrency: 4 });
  });

  it.each([
    ['ZOHO_MAX_REFRESH_RATE', '0', 'Invalid configuration: ZOHO_MAX_REFRESH_RATE must be a positive number, got "0"'],
    ['ZOHO_MAX_REFRESH_RATE', 'fast', 'Invalid configuration: ZOHO_MAX_REFRESH_RATE must be a number, got "fast"'],
    ['ZOHO_MAX_REFRESH_CONCURRENCY', '1.5', 'Invalid configuration: ZOHO_MAX_REFRESH_CONCURRENCY must be an integer, got "1.5"'],
  ])('refuses %s=%s in one line naming it', (variable, value, message) => {
    expect(failureOf({ OAUTH_PROVIDERS: 'zoho', [variable]: value })).toBe(message);
  });
});
