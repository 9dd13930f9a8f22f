import { Injectable } from '@nestjs/common';
import { Client } from 'pg';
import { Alert } from '../src/alerting/alert';
import { AlertingService } from '../src/alerting/alerting.service';
import { TokenHealthService } from '../src/token-health/token-health.service';
import { seedToken } from './factories/token.factory';
import { waitUntil } from './support/alert-sinks';
import { useSecretScan } from './support/secret-scan';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TestApp } from './support/test-app';

useSecretScan();

/** A host AlertingService that takes as long as the test says, and can refuse. */
@Injectable()
class SlowHostAlertingService extends AlertingService {
  readonly calls: Alert[] = [];
  refusals = 0;
  private release: () => void = () => undefined;
  private gate = Promise.resolve();

  hold(): void {
    this.gate = new Promise((resolve) => (this.release = resolve));
  }

  letGo(): void {
    this.release();
  }

  async sendAlert(alert: Alert): Promise<void> {
    this.calls.push(alert);
    await this.gate;
    if (this.refusals > 0) {
      this.refusals--;
      throw new Error('host alerting is down');
    }
  }
}

describe('A host AlertingService runs outside the alert transaction', () => {
  let database: TestDatabase;
  let app: TestApp;
  let host: SlowHostAlertingService;
  let probe: Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestApp({ DATABASE_URL: database.url }, { alerting: { useClass: SlowHostAlertingService } });
    host = app.get(AlertingService) as SlowHostAlertingService;
    probe = new Client({ connectionString: database.url });
    await probe.connect();
  });

  afterAll(async () => {
    host.letGo();
    await probe.end();
    await app.close();
    await database.drop();
  });

  it('holds no lock on the token rows and no open transaction while a slow host is still sending', async () => {
    const clientIds = ['slow-host-1', 'slow-host-2'];
    for (const clientId of clientIds) await seedToken(app, { clientId, refreshToken: null });
    host.hold();

    const raising = app.get(TokenHealthService).checkAndAlert({});
    await waitUntil(() => host.calls.length === 1, 10_000, 'the host called');

    // NOWAIT: refused at once (55P03) if the alert transaction still held the rows.
    await probe.query('BEGIN');
    const { rowCount } = await probe.query(`SELECT id FROM oauth_tokens WHERE client_id = ANY($1) FOR UPDATE NOWAIT`, [clientIds]);
    await probe.query(`UPDATE oauth_tokens SET updated_at = now() WHERE client_id = ANY($1)`, [clientIds]);
    await probe.query('COMMIT');
    expect(rowCount).toBe(2);
    const { rows } = await probe.query<{ open: number }>(
      `SELECT count(*)::int AS open FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'`,
    );
    expect(rows[0].open).toBe(0);

    host.letGo();
    await raising;
    await waitUntil(() => host.calls.length === 2, 10_000, 'both alerts handed to the host');
    expect(host.calls.map((alert) => alert.clientId).sort()).toEqual(clientIds);
  });

  it('retries a host that refuses until it accepts, with the same alert id (at least once)', async () => {
    await app.dataSource.query('TRUNCATE oauth_tokens, alert_outbox');
    host.calls.length = 0;
    host.refusals = 2;
    await seedToken(app, { clientId: 'refusing-host', refreshToken: null });

    await app.get(TokenHealthService).checkAndAlert({ clientId: 'refusing-host' });

    await waitUntil(
      async () => (await app.dataSource.query(`SELECT status FROM alert_outbox WHERE channel = 'host'`))[0]?.status === 'sent',
      20_000,
      'the host accepted the alert',
    );
    expect(host.calls).toHaveLength(3);
    expect(new Set(host.calls.map((alert) => alert.id)).size).toBe(1);
  });
});
