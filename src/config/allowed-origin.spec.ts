import { ConfigError } from './config.error';
import { parseAccountsOrigin, toAllowedOrigin } from './allowed-origin';

describe(parseAccountsOrigin.name, () => {
  it.each([
    ['an https URL, reduced to its origin', 'https://accounts.zoho.eu/oauth/v2?x=1', 'https://accounts.zoho.eu'],
    ['plain http on localhost', 'http://localhost:8080/', 'http://localhost:8080'],
    ['plain http on 127.0.0.1', 'http://127.0.0.1:9/', 'http://127.0.0.1:9'],
    ['plain http on [::1]', 'http://[::1]:9/', 'http://[::1]:9'],
  ])('accepts %s', (_name, raw, origin) => {
    expect(parseAccountsOrigin(raw)).toBe(origin);
  });

  it.each([
    ['plain http elsewhere', 'http://accounts.evil.test'],
    ['another scheme, even on loopback', 'ftp://localhost'],
    ['credentials in the URL', 'https://user:pass@accounts.zoho.eu'],
    ['a user name alone', 'https://user@accounts.zoho.eu'],
    ['a password alone', 'https://:pass@accounts.zoho.eu'],
    ['something that is not a URL', 'accounts.zoho.eu'],
  ])('refuses %s', (_name, raw) => {
    expect(parseAccountsOrigin(raw)).toBeUndefined();
  });
});

describe(toAllowedOrigin.name, () => {
  it('returns the origin of an acceptable URL', () => {
    expect(toAllowedOrigin('ZOHO_ACCOUNTS_URL', 'https://accounts.zoho.com/')).toBe('https://accounts.zoho.com');
  });

  it('names the variable and the value it refuses', () => {
    expect(() => toAllowedOrigin('ZOHO_ACCOUNTS_URL', 'http://evil.test')).toThrow(
      new ConfigError('Invalid configuration: ZOHO_ACCOUNTS_URL must be https URLs (got "http://evil.test")'),
    );
  });
});
