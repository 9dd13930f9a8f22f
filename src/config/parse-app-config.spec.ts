import { ConfigError } from './config.error';
import { parseAppConfig } from './parse-app-config';
import { thrownBy } from '../../test/support/thrown-by';

describe(parseAppConfig.name, () => {
  const key = 'a'.repeat(64);

  it('applies every default of the contract', () => {
    const sut = parseAppConfig({});

    expect(sut.port).toBe(3000);
    expect(sut.publicBaseUrl).toBe('http://localhost:3000');
    expect(sut.tokenHealth).toMatchObject({
      cron: '0 */30 * * * *',
      enabled: true,
      expiryWindowMinutes: 60,
      minRefreshIntervalMinutes: 10,
      concurrency: 10,
      refreshExpiryWarningDays: 7,
    });
    expect(sut.zoho.accountsUrl).toBe('https://accounts.zoho.com');
    expect(sut.zoho.allowedAccountsOrigins).toContain('https://accounts.zoho.eu');
    expect(sut.zoho.scopes).toEqual(['ZohoCRM.modules.ALL', 'ZohoCalendar.calendar.ALL']);
    expect(sut.alerts).toMatchObject({ smsMinSeverity: 'critical', repeatIntervalMinutes: 1440 });
    expect(sut.alerts.slackWebhookUrl).toBeUndefined();
    expect(sut.alerts.maxDeliveryAttempts).toBeUndefined();
  });

  describe('the database', () => {
    it('runs the embedded one without DATABASE_URL outside production', () => {
      expect(parseAppConfig({}).embeddedDatabase).toBe(true);
    });

    it('refuses production without DATABASE_URL unless the embedded one is asked for', () => {
      expect(() => parseAppConfig({ NODE_ENV: 'production' })).toThrow(
        new ConfigError(
          'Invalid configuration: DATABASE_URL is required when NODE_ENV=production (TOKEN_HEALTH_EMBEDDED_DATABASE=true runs the embedded PostgreSQL in TOKEN_HEALTH_DATA_DIR instead)',
        ),
      );
      expect(parseAppConfig({ NODE_ENV: 'production', TOKEN_HEALTH_EMBEDDED_DATABASE: 'true' }).embeddedDatabase).toBe(true);
      expect(parseAppConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x', TOKEN_ENCRYPTION_KEY: key }).databaseUrl).toBe(
        'postgres://db/x',
      );
    });

    it('refuses TOKEN_HEALTH_EMBEDDED_DATABASE=false without DATABASE_URL', () => {
      expect(() => parseAppConfig({ TOKEN_HEALTH_EMBEDDED_DATABASE: 'false' })).toThrow(
        /DATABASE_URL is required when TOKEN_HEALTH_EMBEDDED_DATABASE=false/,
      );
    });
  });

  it('logs JSON in production and text elsewhere unless LOG_FORMAT says otherwise', () => {
    expect(parseAppConfig({}).log).toEqual({ format: 'text', level: 'log' });
    expect(parseAppConfig({ NODE_ENV: 'production', TOKEN_HEALTH_EMBEDDED_DATABASE: 'true' }).log.format).toBe('json');
    expect(parseAppConfig({ LOG_FORMAT: 'json', LOG_LEVEL: 'debug' }).log).toEqual({ format: 'json', level: 'debug' });
    expect(() => parseAppConfig({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT must be one of \[json, text\]/);
  });

  it('rejects a non-numeric expiry window with a message naming the variable', () => {
    expect(() => parseAppConfig({ TOKEN_HEALTH_EXPIRY_WINDOW_MINUTES: 'abc' })).toThrow(
      new ConfigError('Invalid configuration: TOKEN_HEALTH_EXPIRY_WINDOW_MINUTES must be a number'),
    );
  });

  it('rejects an invalid cron expression', () => {
    expect(() => parseAppConfig({ TOKEN_HEALTH_CRON: 'every now and then' })).toThrow(/TOKEN_HEALTH_CRON/);
  });

  it('requires TOKEN_ENCRYPTION_KEY when DATABASE_URL is set', () => {
    expect(() => parseAppConfig({ DATABASE_URL: 'postgres://db/x' })).toThrow(/TOKEN_ENCRYPTION_KEY/);
  });

  it('accepts a 32-byte key in hex or base64 and rejects other lengths', () => {
    expect(parseAppConfig({ TOKEN_ENCRYPTION_KEY: key }).tokenEncryptionKey).toHaveLength(32);
    expect(parseAppConfig({ TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') }).tokenEncryptionKey).toHaveLength(32);
    expect(() => parseAppConfig({ TOKEN_ENCRYPTION_KEY: 'short' })).toThrow(/TOKEN_ENCRYPTION_KEY must be 32 bytes/);
  });

  describe('alert channels', () => {
    const email = { SMTP_URL: 'smtp://mail:25', ALERT_EMAIL_TO: 'a@x, b@x' };
    const sms = { TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 'auth', TWILIO_FROM: '+1555', ALERT_SMS_TO: '+1666, +1777' };

    it('enables email with SMTP_URL and ALERT_EMAIL_TO, splitting the recipients', () => {
      const sut = parseAppConfig(email);

      expect(sut.alerts.smtp).toEqual({ url: 'smtp://mail:25', from: 'token-health@localhost', to: ['a@x', 'b@x'] });
    });

    it.each(Object.keys(email))('leaves email disabled without %s', (missing) => {
      const sut = parseAppConfig({ ...email, [missing]: undefined });

      expect(sut.alerts.smtp).toBeUndefined();
    });

    it('enables SMS with all four Twilio settings, splitting the recipients', () => {
      const sut = parseAppConfig(sms);

      expect(sut.alerts.twilio).toEqual({
        accountSid: 'AC1',
        authToken: 'auth',
        from: '+1555',
        to: ['+1666', '+1777'],
        apiUrl: 'https://api.twilio.com',
      });
    });

    it.each(Object.keys(sms))('leaves SMS disabled without %s', (missing) => {
      const sut = parseAppConfig({ ...sms, [missing]: undefined });

      expect(sut.alerts.twilio).toBeUndefined();
    });

    it('treats a recipient list of only commas and spaces as no recipients', () => {
      const sut = parseAppConfig({ ...email, ...sms, ALERT_EMAIL_TO: ' , ', ALERT_SMS_TO: ',' });

      expect(sut.alerts.smtp).toBeUndefined();
      expect(sut.alerts.twilio).toBeUndefined();
    });
  });

  it('refuses a plain-http accounts server that is not loopback', () => {
    expect(() => parseAppConfig({ ZOHO_ALLOWED_ACCOUNTS_URLS: 'http://accounts.evil.test' })).toThrow(/ZOHO_ALLOWED_ACCOUNTS_URLS/);
  });

  it('enables the webhook channel with a URL and a whsec_ secret', () => {
    const secret = 'whsec_' + Buffer.alloc(32, 1).toString('base64');

    expect(parseAppConfig({ ALERT_WEBHOOK_URL: 'https://host.example/hooks', ALERT_WEBHOOK_SECRET: secret }).alerts.webhook).toEqual({
      url: 'https://host.example/hooks',
      secret,
    });
  });

  it('refuses a webhook URL without a secret', () => {
    expect(() => parseAppConfig({ ALERT_WEBHOOK_URL: 'https://host.example/hooks' })).toThrow(/ALERT_WEBHOOK_SECRET/);
  });

  it('refuses a webhook secret that is not whsec_ and base64, without showing it', () => {
    const attempt = () => parseAppConfig({ ALERT_WEBHOOK_URL: 'https://h.example/x', ALERT_WEBHOOK_SECRET: 'my-plain-secret' });

    expect(attempt).toThrow(/ALERT_WEBHOOK_SECRET/);
    expect(thrownBy(attempt)).toMatchObject({ message: expect.not.stringContaining('my-plain-secret') });
  });

  it('refuses a webhook secret shorter than 24 bytes', () => {
    const short = 'whsec_' + Buffer.alloc(8, 1).toString('base64');

    expect(() => parseAppConfig({ ALERT_WEBHOOK_URL: 'https://h.example/x', ALERT_WEBHOOK_SECRET: short })).toThrow(/24 to 64 bytes/);
  });

  it('accepts a webhook secret of exactly 24 bytes', () => {
    const secret = 'whsec_' + Buffer.alloc(24, 1).toString('base64');

    expect(parseAppConfig({ ALERT_WEBHOOK_URL: 'https://h.example/x', ALERT_WEBHOOK_SECRET: secret }).alerts.webhook?.secret).toBe(secret);
  });

  it('accepts a webhook secret of exactly 64 bytes', () => {
    const secret = 'whsec_' + Buffer.alloc(64, 1).toString('base64');

    expect(parseAppConfig({ ALERT_WEBHOOK_URL: 'https://h.example/x', ALERT_WEBHOOK_SECRET: secret }).alerts.webhook?.secret).toBe(secret);
  });

  it('refuses a webhook secret of 23 bytes, saying how many it holds', () => {
    const short = 'whsec_' + Buffer.alloc(23, 1).toString('base64');

    expect(() => parseAppConfig({ ALERT_WEBHOOK_URL: 'https://h.example/x', ALERT_WEBHOOK_SECRET: short })).toThrow(
      new ConfigError('Invalid configuration: ALERT_WEBHOOK_SECRET must hold 24 to 64 bytes of base64 after "whsec_" (it holds 23)'),
    );
  });

  it('refuses a webhook secret longer than 64 bytes', () => {
    const long = 'whsec_' + Buffer.alloc(65, 1).toString('base64');

    expect(() => parseAppConfig({ ALERT_WEBHOOK_URL: 'https://h.example/x', ALERT_WEBHOOK_SECRET: long })).toThrow(
      /24 to 64 bytes .*\(it holds 65\)/,
    );
  });

  it('applies the outage and digest defaults', () => {
    const sut = parseAppConfig({});

    expect(sut.outage).toEqual({ minFailures: 5, failureRatio: 0.5, windowMinutes: 5 });
    expect(sut.alerts.digestThreshold).toBe(20);
  });

  it('converts numbers and booleans given as text', () => {
    const sut = parseAppConfig({ PORT: '8080', TOKEN_HEALTH_ENABLED: 'false', TOKEN_HEALTH_CONCURRENCY: '25' });

    expect(sut.port).toBe(8080);
    expect(sut.tokenHealth.enabled).toBe(false);
    expect(sut.tokenHealth.concurrency).toBe(25);
    expect(sut.publicBaseUrl).toBe('http://localhost:8080');
  });

  it('drops trailing slashes from PUBLIC_BASE_URL and TWILIO_API_URL', () => {
    const sut = parseAppConfig({
      PUBLIC_BASE_URL: 'https://th.example.test//',
      TWILIO_ACCOUNT_SID: 'AC1',
      TWILIO_AUTH_TOKEN: 'auth',
      TWILIO_FROM: '+1',
      ALERT_SMS_TO: '+2',
      TWILIO_API_URL: 'http://127.0.0.1:9/base//',
    });

    expect(sut.publicBaseUrl).toBe('https://th.example.test');
    expect(sut.alerts.twilio?.apiUrl).toBe('http://127.0.0.1:9/base');
  });

  it('names TOKEN_ENCRYPTION_PREVIOUS_KEYS when one of them is bad, and reads the good ones', () => {
    expect(() => parseAppConfig({ TOKEN_ENCRYPTION_PREVIOUS_KEYS: `${key},short` })).toThrow(/TOKEN_ENCRYPTION_PREVIOUS_KEYS must be 32 bytes/);
    expect(parseAppConfig({ TOKEN_ENCRYPTION_PREVIOUS_KEYS: `${key}, ${'b'.repeat(64)}` }).previousEncryptionKeys).toHaveLength(2);
  });

  it('names ZOHO_ACCOUNTS_URL when it is plain http elsewhere than loopback', () => {
    expect(() => parseAppConfig({ ZOHO_ACCOUNTS_URL: 'http://accounts.evil.test' })).toThrow(/ZOHO_ACCOUNTS_URL must be https/);
  });

  it('allows ZOHO_ACCOUNTS_URL besides the allowlist it is given', () => {
    const sut = parseAppConfig({ ZOHO_ACCOUNTS_URL: 'http://127.0.0.1:9/', ZOHO_ALLOWED_ACCOUNTS_URLS: 'https://accounts.zoho.eu/' });

    expect(sut.zoho.allowedAccountsOrigins).toEqual(['http://127.0.0.1:9', 'https://accounts.zoho.eu']);
  });

  it('treats empty variables as unset', () => {
    expect(parseAppConfig({ PORT: '', SLACK_WEBHOOK_URL: '' }).port).toBe(3000);
  });

  it('keeps introspection off unless GRAPHQL_INTROSPECTION=true', () => {
    expect(parseAppConfig({}).graphqlIntrospection).toBe(false);
    expect(parseAppConfig({ GRAPHQL_INTROSPECTION: 'true' }).graphqlIntrospection).toBe(true);
    expect(() => parseAppConfig({ GRAPHQL_INTROSPECTION: 'yes please' })).toThrow(/GRAPHQL_INTROSPECTION/);
  });

  it('leaves /metrics open without METRICS_TOKEN and rejects a guessable one', () => {
    expect(parseAppConfig({}).metricsToken).toBeUndefined();
    expect(parseAppConfig({ METRICS_TOKEN: 'metrics-token-0123456789' }).metricsToken).toBe('metrics-token-0123456789');
    expect(() => parseAppConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
  });
});
