// Invisible and format characters in a clientId (zero-width, joiners, BOM, bidi override, line
// separator) are refused with one error naming the field: `ac\u200Bme` never becomes a second
// tenant that renders as "acme".
import { FakeOAuthProvider } from './support/fake-oauth-provider';
import { graphqlAsAdmin, REGISTER } from './support/graphql-client';
import { useSecretScan } from './support/secret-scan';
import { startTestApp, TestApp } from './support/test-app';
import { createTestDatabase, TestDatabase } from './support/test-database';

useSecretScan();

const LOOKALIKES: [string, string][] = [
  ['U+200B zero-width space', 'ac\u200Bme'],
  ['U+200D zero-width joiner', 'ac\u200Dme'],
  ['U+2060 word joiner', 'ac\u2060me'],
  ['U+FEFF byte order mark', 'ac\uFEFFme'],
  ['U+202E right-to-left override', 'ac\u202Eme'],
  ['U+2028 line separator', 'ac\u2028me'],
];

const CREATE_CONNECT_LINK = 'mutation($clientId: String!) { createConnectLink(clientId: $clientId, provider: "zoho") }';
const TOKEN_HEALTH = 'query($clientId: String!) { tokenHealth(clientId: $clientId) { clientId } }';
const CHECK_ONE = 'mutation($clientId: String) { checkTokenHealth(clientId: $clientId) { clientId } }';

describe('invisible characters in a clientId', () => {
  let database: TestDatabase;
  let zoho: FakeOAuthProvider;
  let app: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    zoho = await FakeOAuthProvider.start();
    app = await startTestApp({ DATABASE_URL: database.url, ZOHO_ACCOUNTS_URL: zoho.url });
  });

  afterAll(async () => {
    await app?.close();
    await zoho?.close();
    await database?.drop();
  });

  const refusal = (answer: Awaited<ReturnType<typeof graphqlAsAdmin>>) => ({
    data: answer.data?.[Object.keys(answer.data ?? {})[0]] ?? null,
    errors: answer.errors?.map((error) => ({ code: error.extensions?.code, message: error.message })),
  });
  const refused = {
    data: null,
    errors: [{ code: 'BAD_USER_INPUT', message: expect.stringMatching(/^clientId must not contain control, invisible or format characters/) }],
  };

  it.each(LOOKALIKES)('refuses a registration of a clientId with %s and stores no second tenant', async (_name, clientId) => {
    const answer = await graphqlAsAdmin(app, REGISTER, { input: { clientId, provider: 'zoho', refreshToken: '1000.lookalike' } });

    expect(refusal(answer)).toEqual(refused);
    expect(await app.dataSource.query('SELECT client_id FROM oauth_tokens')).toEqual([]);
    expect(zoho.requests).toHaveLength(0);
  });

  it.each(LOOKALIKES)('refuses a connect link, a lookup and a check for a clientId with %s', async (_name, clientId) => {
    for (const query of [CREATE_CONNECT_LINK, TOKEN_HEALTH, CHECK_ONE]) {
      expect(refusal(await graphqlAsAdmin(app, query, { clientId }))).toEqual(refused);
    }
  });
});
