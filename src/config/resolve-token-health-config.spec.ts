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

    const { nodeEnv: _n, port: _p, databaseUrl: _d, dataDir: _dd, graphqlIntrospection: _g, ...moduleConfig } = config;
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
    expect(() => resolveTokenHealthConfig({ ...required, encryptionKey: undefined! })).toThrow(new ConfigError('Invalid TokenHealthModule options: encryptionKey is required'));
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
    const sut = resolveTokenHealthConfig({ ...required, oauthProviders: [{ name: 'my-idp', clientId: 'id', clientSecret: 'secret', issuer: 'https://idp.example' }] });

    expect(sut.oauthProviders).toEqual([{ name: 'my-idp', envPrefix: 'MY_IDP', clientId: 'id', clientSecret: 'secret', issuer: 'https://idp.example' }]);
  });

  it('refuses an empty provider list', () => {
    expect(() => resolveTokenHealthConfig({ ...required, oauthProviders: [] })).toThrow(/oauthProviders/);
  });
});
