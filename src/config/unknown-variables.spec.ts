import { unknownVariableWarnings } from './unknown-variables';

describe(unknownVariableWarnings.name, () => {
  const providers = [
    { name: 'zoho', envPrefix: 'ZOHO' },
    { name: 'google', envPrefix: 'GOOGLE' },
  ];

  it('names the closest known variable for a misspelled one of ours', () => {
    expect(unknownVariableWarnings({ SLACK_WEBHOK_URL: 'x', TOKEN_HEALTH_CONCURENCY: '3' }, providers)).toEqual([
      'Unknown variable SLACK_WEBHOK_URL is ignored; did you mean SLACK_WEBHOOK_URL?',
      'Unknown variable TOKEN_HEALTH_CONCURENCY is ignored; did you mean TOKEN_HEALTH_CONCURRENCY?',
    ]);
  });

  it("knows every enabled provider's variables, its refresh throttles included", () => {
    const env = { GOOGLE_CLIENT_ID: 'a', GOOGLE_MAX_REFRESH_RATE: '5', ZOHO_MAX_REFRESH_CONCURRENCY: '2', ZOHO_ACCOUNTS_URL: 'https://x' };

    expect(unknownVariableWarnings(env, providers)).toEqual([]);
  });

  it("reports a provider prefix's variable only when it is a near miss (the prefix is shared with other software)", () => {
    const env = { GOOGLE_APPLICATION_CREDENTIALS: '/key.json', GOOGLE_CLIENT_SCERET: 'x' };

    expect(unknownVariableWarnings(env, providers)).toEqual(['Unknown variable GOOGLE_CLIENT_SCERET is ignored; did you mean GOOGLE_CLIENT_SECRET?']);
  });

  it('leaves variables without our prefixes alone', () => {
    expect(unknownVariableWarnings({ PATH: '/bin', HOME: '/root', DATABASE_HOST: 'db', MICROSOFT_X: '1' }, providers)).toEqual([]);
  });
});
