import { ConfigError } from './config.error';
import { parseAppConfig } from './parse-app-config';
import { resolveTokenHealthConfig } from './resolve-token-health-config';
import { serverModuleOptions } from './server-module-options';

describe(resolveTokenHealthConfig.name, () => {
  const key = Buffer.alloc(32, 7);
  const required = { encryptionKey: key, publicBaseUrl: 'http://localhost:3000' };

  it("gives a host app that sets only the required options the same defaults as the server's environment schema", () => {
    const server = resolveTokenHealthConfig(serverModuleOptions(parseAppConfig({ TOKEN_ENCRYPTION_KEY: key.toString('hex') })));

    const sut = resolveTokenHealthConfig(required);

    expect(sut).toEqual(server);
  });

  it('passes every server setting through to the module unchanged', () => {
    const config = parseAppConfig({
      TOKEN_ENCRYPTION_KEY: key.toString('hex'),
      TOKEN_HEALTH_CRON: '*/5 * * * * *',
      TOKEN_HEALTH_CONCURRENCY: '3',
      ZOHO_CLIENT_ID: 'id',
      ZOHO_CLIENT_SECRET: 'secret',
      SLACK_WEBHOOK_URL: 'http://127.0.0.1:9/hook',
    });

    const sut = resolveTokenHealthConfig(serverModuleOptions(config));

    const { nodeEnv: _n, port: _p, databaseUrl: _d, dataDir: _dd, graphqlIntrospection: _g, embeddedDatabase: _e, log: _l, ...moduleConfig } = config;
    expect({ ...sut }).toEqual(moduleConfig);
  });

  it('merges a partial group over its defaults', () => {
    const sut = resolveTokenHealthConfig({ ...required, tokenHealth: { cron: '*/10 * * * * *' } });

    expect(sut.tokenHealth).toMatchObject({ cron: '*/10 * * * * *', expiryWindowMinutes: 60, concurrency: 10 });
  });

  it('accepts the key as hex or base64 text', () => {
    expect(resolveTokenHealthConfig({ ...required, encryptionKey: key.toString('base64') }).tokenEncryptionKey).toEqual(key);
    expect(resolveTokenHealthConfig({ ...required, encryptionKey: key.toString('hex') }).tokenEncryptionKey).toEqual(key);
  });

  it('rejects a missing or short key, naming the option', () => {
    expect(() => resolveTokenHealthConfig({ ...required, encryptionKey: undefined! })).toThrow(
      new ConfigError('Invalid TokenHealthModule options: encryptionKey is required'),
    );
    expect(() => resolveTokenHealthConfig({ ...required, encryptionKey: Buffer.alloc(16) })).toThrow(/encryptionKey must be 32 bytes/);
  });

  it('rejects an invalid cron expression and a relative public base URL', () => {
    expect(() => resolveTokenHealthConfig({ ...required, tokenHealth: { cron: 'often' } })).toThrow(/tokenHealth\.cron/);
    expect(() => resolveTokenHealthConfig({ ...required, publicBaseUrl: '/app' })).toThrow(/publicBaseUrl/);
  });

  it("allows Zoho's data-centre accounts servers and the configured one", () => {
    const sut = resolveTokenHealthConfig({ ...required, zoho: { accountsUrl: 'http://127.0.0.1:4000/' } });

    expect(sut.zoho.allowedAccountsOrigins).toEqual(expect.arrayContaining(['http://127.0.0.1:4000', 'https://accounts.zoho.eu']));
  });

  it('takes providers with their credentials, deriving what the server derives from the name', () => {
    const sut = resolveTokenHealthConfig({
      ...required,
      oauthProviders: [{ name: 'my-idp', clientId: 'id', clientSecret: 'secret', issuer: 'https://idp.example' }],
    });

    expect(sut.oauthProviders).toEqual([
      { name: 'my-idp', envPrefix: 'MY_IDP', clientId: 'id', clientSecret: 'secret', issuer: 'https://idp.example' },
    ]);
  });

  it('refuses an empty provider list', () => {
    expect(() => resolveTokenHealthConfig({ ...required, oauthProviders: [] })).toThrow(/oauthProviders/);
  });

  it('refuses a null key as missing', () => {
    expect(() => resolveTokenHealthConfig({ ...required, encryptionKey: null! })).toThrow(
      new ConfigError('Invalid TokenHealthModule options: encryptionKey is required'),
    );
  });

  it('refuses a key Buffer that is not 32 bytes, naming the option', () => {
    expect(() => resolveTokenHealthConfig({ ...required, encryptionKey: Buffer.alloc(33) })).toThrow(
      new ConfigError('Invalid configuration: encryptionKey must be 32 bytes'),
    );
  });

  it('takes previous keys as Buffers or text', () => {
    const previous = Buffer.alloc(32, 9);

    const sut = resolveTokenHealthConfig({ ...required, previousEncryptionKeys: [previous, previous.toString('hex')] });

    expect(sut.previousEncryptionKeys).toEqual([previous, previous]);
  });

  it('refuses a previous key of the wrong length, naming previousEncryptionKeys', () => {
    expect(() => resolveTokenHealthConfig({ ...required, previousEncryptionKeys: [Buffer.alloc(31)] })).toThrow(
      new ConfigError('Invalid configuration: previousEncryptionKeys must be 32 bytes'),
    );
  });

  it('accepts an https public base URL', () => {
    expect(resolveTokenHealthConfig({ ...required, publicBaseUrl: 'https://app.example' }).publicBaseUrl).toBe('https://app.example');
  });

  it('refuses a public base URL that has http:// anywhere but at the start, quoting it', () => {
    expect(() => resolveTokenHealthConfig({ ...required, publicBaseUrl: 'see http://app.example' })).toThrow(
      new ConfigError('Invalid TokenHealthModule options: publicBaseUrl must be an absolute http(s) URL (got "see http://app.example")'),
    );
  });

  it('refuses an empty public base URL', () => {
    expect(() => resolveTokenHealthConfig({ ...required, publicBaseUrl: '' })).toThrow(/publicBaseUrl must be an absolute http\(s\) URL/);
  });

  it('drops every trailing slash of the public base URL, and only those', () => {
    expect(resolveTokenHealthConfig({ ...required, publicBaseUrl: 'http://app.example//base///' }).publicBaseUrl).toBe('http://app.example//base');
  });

  it('names the cron option and quotes the invalid expression', () => {
    expect(() => resolveTokenHealthConfig({ ...required, tokenHealth: { cron: 'often' } })).toThrow(
      new ConfigError('Invalid TokenHealthModule options: tokenHealth.cron is not a valid cron expression ("often")'),
    );
  });

  it('names the empty provider list in its refusal', () => {
    expect(() => resolveTokenHealthConfig({ ...required, oauthProviders: [] })).toThrow(
      new ConfigError('Invalid TokenHealthModule options: oauthProviders must name at least one provider'),
    );
  });

  it("keeps a provider's own variable prefix", () => {
    const sut = resolveTokenHealthConfig({ ...required, oauthProviders: [{ name: 'my-idp', envPrefix: 'IDP' }] });

    expect(sut.oauthProviders).toEqual([{ name: 'my-idp', envPrefix: 'IDP' }]);
  });

  it('keeps a default when the option is given as undefined', () => {
    const sut = resolveTokenHealthConfig({ ...required, tokenHealth: { cron: '*/10 * * * * *', concurrency: undefined } });

    expect(sut.tokenHealth.concurrency).toBe(10);
  });

  it('replaces a default list instead of merging into it', () => {
    const sut = resolveTokenHealthConfig({ ...required, zoho: { scopes: ['ZohoCRM.users.READ'] } });

    expect(sut.zoho.scopes).toEqual(['ZohoCRM.users.READ']);
  });

  it('takes a group the defaults leave unset as given', () => {
    const twilio = { accountSid: 'AC1', authToken: 'tok', from: '+15550001' };

    const sut = resolveTokenHealthConfig({ ...required, alerts: { twilio } as never });

    expect(sut.alerts.twilio).toEqual(twilio);
  });

  it('replaces a default group with a class instance whole, not key by key', () => {
    class Outage {
      minFailures = 2;
      failureRatio = 0.25;
      note = 'kept';
    }

    const sut = resolveTokenHealthConfig({ ...required, outage: new Outage() });

    expect(sut.outage).toEqual(new Outage());
  });

  it('names the first option a whole group replaced by a class instance lacks', () => {
    class Outage {
      minFailures = 2;
    }

    expect(() => resolveTokenHealthConfig({ ...required, outage: new Outage() })).toThrow(
      'Invalid TokenHealthModule options: outage.failureRatio must be a number above 0 and at most 1',
    );
  });

  it('names the options of a default group given as null', () => {
    expect(() => resolveTokenHealthConfig({ ...required, connect: null as never })).toThrow(
      'Invalid TokenHealthModule options: connect.linkTtlHours must be a number above 0',
    );
  });

  it('allows only the given accounts origins, with the configured one, when the host lists them', () => {
    const sut = resolveTokenHealthConfig({
      ...required,
      zoho: { accountsUrl: 'https://accounts.zoho.eu', allowedAccountsOrigins: ['https://accounts.zoho.in/'] },
    });

    expect(sut.zoho.allowedAccountsOrigins).toEqual(['https://accounts.zoho.eu', 'https://accounts.zoho.in']);
  });

  it('names zoho.accountsUrl when the accounts server is not an https URL', () => {
    expect(() => resolveTokenHealthConfig({ ...required, zoho: { accountsUrl: 'http://accounts.zoho.example' } })).toThrow(
      new ConfigError('Invalid configuration: zoho.accountsUrl must be https URLs (got "http://accounts.zoho.example")'),
    );
  });

  it('names zoho.allowedAccountsOrigins when one of them is not an https URL', () => {
    expect(() => resolveTokenHealthConfig({ ...required, zoho: { allowedAccountsOrigins: ['ftp://accounts.zoho.example'] } })).toThrow(
      new ConfigError('Invalid configuration: zoho.allowedAccountsOrigins must be https URLs (got "ftp://accounts.zoho.example")'),
    );
  });
});
