// Issue 11, item 6: connect starts are rate-limited per connection, expired OAuth states and
// settled alert_outbox rows (they hold connect links) are deleted in the background.
import request from 'supertest';
import { AlertOutboxPruner, OUTBOX_RETENTION_DAYS } from '../src/alerting/alert-outbox.pruner';
import { ConnectLinkService } from '../src/connect/connect-link.service';
import { ConnectStatePruner } from '../src/connect/connect-state.pruner';
import { STATE_RATE_LIMIT } from '../src/connect/oauth-state.store';
import { FakeOAuthProvider } from './support/fake-oauth-provider';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TestApp } from './support/test-app';
import { useSecretScan } from './support/secret-scan';
import { httpServer } from './factories/http-server';

useSecretScan();

describe(ConnectStatePruner.name, () => {
  let database: TestDatabase;
  let zoho: FakeOAuthProvider;
  let app: TestApp;

  const http = () => request(httpServer(app));
  const pathOf = (url: string) => new URL(url).pathname + new URL(url).search;
  const count = async (sql: string) => Number((await app.dataSource.query(sql))[0].n);

  beforeAll(async () => {
    database = await createTestDatabase();
    zoho = await FakeOAuthProvider.start();
    app = await startTestApp({ DATABASE_URL: database.url, ZOHO_ACCOUNTS_URL: zoho.url });
  });

  beforeEach(async () => {
    await app.dataSource.query('TRUNCATE oauth_connect_states, alert_outbox');
  });

  afterAll(async () => {
    await app?.close();
    await zoho?.close();
    await database?.drop();
  });

  it('answers 429 once a connection was started too often within ten minutes, and stores no more states', async () => {
    const link = pathOf(app.get(ConnectLinkService).createLink('acme', 'zoho'));
    for (let start = 0; start < STATE_RATE_LIMIT; start++) await http().get(link).expect(302);

    const refused = await http().get(link);

    expect(refused.status).toBe(429);
    expect(refused.text).toContain('Too many attempts');
    expect(await count('SELECT count(*) AS n FROM oauth_connect_states')).toBe(STATE_RATE_LIMIT);
    // Another connection is not affected.
    await http()
      .get(pathOf(app.get(ConnectLinkService).createLink('globex', 'zoho')))
      .expect(302);
  });

  it('counts only the last ten minutes', async () => {
    const link = pathOf(app.get(ConnectLinkService).createLink('acme', 'zoho'));
    for (let start = 0; start < STATE_RATE_LIMIT; start++) await http().get(link).expect(302);
    await app.dataSource.query(`UPDATE oauth_connect_states SET created_at = now() - interval '11 minutes'`);

    await http().get(link).expect(302);
  });

  it('deletes expired states in the background and keeps live ones; issuing a state deletes nothing', async () => {
    await app.dataSource.query(`
      INSERT INTO oauth_connect_states (nonce, client_id, provider, expires_at)
      SELECT 'expired-' || i, 'client-' || i, 'zoho', now() - interval '1 minute' FROM generate_series(1, 1500) AS i`);
    await http()
      .get(pathOf(app.get(ConnectLinkService).createLink('acme', 'zoho')))
      .expect(302);
    expect(await count(`SELECT count(*) AS n FROM oauth_connect_states WHERE expires_at < now()`)).toBe(1500);

    const deleted = await app.get(ConnectStatePruner).prune();

    expect(deleted).toBe(1500);
    expect(await count('SELECT count(*) AS n FROM oauth_connect_states')).toBe(1);
  });

  it('indexes OAuth states on their expiry', async () => {
    const indexes: { indexdef: string }[] = await app.dataSource.query(`SELECT indexdef FROM pg_indexes WHERE tablename = 'oauth_connect_states'`);

    expect(indexes.map((index) => index.indexdef)).toContainEqual(expect.stringMatching(/\(expires_at\)$/));
  });

  it(`prunes sent and failed alert_outbox rows older than ${OUTBOX_RETENTION_DAYS} days and keeps pending ones`, async () => {
    const insert = (status: string, daysAgo: number) =>
      app.dataSource.query(
        `INSERT INTO alert_outbox (channel, severity, payload, status, created_at) VALUES ('slack', 'error', '{}'::jsonb, $1, now() - $2::float8 * interval '1 day')`,
        [status, daysAgo],
      );
    await insert('sent', OUTBOX_RETENTION_DAYS + 1);
    await insert('failed', OUTBOX_RETENTION_DAYS + 1);
    await insert('pending', OUTBOX_RETENTION_DAYS + 30);
    await insert('sent', 1);

    await app.get(AlertOutboxPruner).prune();

    const left: { status: string }[] = await app.dataSource.query('SELECT status FROM alert_outbox ORDER BY created_at');
    expect(left.map((row) => row.status)).toEqual(['pending', 'sent']);
  });
});
