// The built server's start as an operator meets it: what it refuses, what it says, and how it fails.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './support/free-port';
import { useSecretScan } from './support/secret-scan';
import { ServerProcess } from './support/server-process';
import { TEST_ADMIN_TOKEN, TEST_CLIENT_SECRET, TEST_ENCRYPTION_KEY } from './support/test-app';
import { createTestDatabase, TestDatabase } from './support/test-database';

const scan = useSecretScan();

const VERSION = (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;

interface LogEntry {
  level: string;
  context?: string;
  message: string;
}

function entries(output: string): LogEntry[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogEntry);
}

const warnings = (output: string) =>
  entries(output)
    .filter((entry) => entry.level === 'warn')
    .map((entry) => entry.message);
const summaryOf = (output: string) => entries(output).find((entry) => entry.message.startsWith('token-health '))?.message ?? '';
const nonEmptyLines = (output: string) => output.split('\n').filter((line) => line.trim() !== '');

function postmasterPid(dataDir: string): number {
  return Number.parseInt(readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0], 10);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the built server in production without DATABASE_URL', () => {
  const base = { NODE_ENV: 'production', ADMIN_API_TOKEN: TEST_ADMIN_TOKEN };

  it('refuses to start with one line naming DATABASE_URL and TOKEN_HEALTH_EMBEDDED_DATABASE', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'token-health-prod-'));
    try {
      const start = await ServerProcess.startExpectingExit({ ...base, TOKEN_HEALTH_DATA_DIR: dataDir });

      expect(start).toMatchObject({ code: 1, live: false });
      expect(start.output.trim()).toBe(
        'Invalid configuration: DATABASE_URL is required when NODE_ENV=production (TOKEN_HEALTH_EMBEDDED_DATABASE=true runs the embedded PostgreSQL in TOKEN_HEALTH_DATA_DIR instead)',
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('the built server on an embedded database', () => {
  let dataDir: string;
  let first: ServerProcess | undefined;
  let third: ServerProcess | undefined;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'token-health-embedded-'));
  });

  afterAll(async () => {
    await first?.stop('SIGKILL');
    await third?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  // Production asks for it explicitly; the schedule runs, with the default 6-field cron.
  const env = () => ({
    NODE_ENV: 'production',
    TOKEN_HEALTH_EMBEDDED_DATABASE: 'true',
    ADMIN_API_TOKEN: TEST_ADMIN_TOKEN,
    TOKEN_HEALTH_DATA_DIR: dataDir,
    TZ: 'UTC',
  });

  it('starts in production when TOKEN_HEALTH_EMBEDDED_DATABASE=true and says so in its summary, with the port', async () => {
    first = await ServerProcess.start(env());
    scan.secretsOfEnv({ TOKEN_ENCRYPTION_KEY: readFileSync(join(dataDir, 'encryption.key'), 'utf8').trim() });
    const summary = summaryOf(first.logs());
    const port = Number(readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[3]);

    expect(summary).toContain(`database: embedded PostgreSQL on 127.0.0.1:${port}, data in ${join(dataDir, 'pg')}`);
    expect(summary).toMatch(/schedule: "0 \*\/30 \* \* \* \*"; next cycles at \S+:(00|30):00\.000Z and \S+:(00|30):00\.000Z/);
    expect(warnings(first.logs())).toContain(
      'No alert channel is configured (SLACK_WEBHOOK_URL, SMTP_URL + ALERT_EMAIL_TO, TWILIO_* + ALERT_SMS_TO, ALERT_WEBHOOK_URL + ALERT_WEBHOOK_SECRET): alerts stay due and go out once one is',
    );
    expect(warnings(first.logs()).filter((warning) => warning.startsWith('No alert channel'))).toHaveLength(1);
    expect(warnings(first.logs()).filter((warning) => warning.startsWith('TOKEN_HEALTH_CRON'))).toEqual([]);
  }, 120_000);

  it('refuses a second start on the same data directory with one line naming the running one, which keeps working', async () => {
    const start = await ServerProcess.startExpectingExit(env());
    const health = await fetch(`${first!.url}/health`);

    expect(start).toMatchObject({ code: 1, live: false });
    expect(start.output.trim()).toBe(
      `The embedded database in ${join(dataDir, 'pg')} is in use by another running token-health (pid ${first!.pid}, port ${first!.port}; ` +
        `PostgreSQL pid ${postmasterPid(dataDir)}, port ${readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[3]}): ` +
        'stop that one first, or give this one its own TOKEN_HEALTH_DATA_DIR',
    );
    expect(health.status).toBe(200);
  }, 120_000);

  it('recovers the data directory from a postmaster left behind by kill -9', async () => {
    await first!.stop('SIGKILL');
    const orphan = postmasterPid(dataDir);
    expect(isAlive(orphan)).toBe(true);

    third = await ServerProcess.start(env());

    expect(isAlive(orphan)).toBe(false);
    expect(postmasterPid(dataDir)).not.toBe(orphan);
    expect((await fetch(`${third.url}/health`)).status).toBe(200);
  }, 120_000);
});

describe('the built server on DATABASE_URL', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database?.drop();
  });

  const base = () => ({ DATABASE_URL: database.url, TOKEN_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY, ADMIN_API_TOKEN: TEST_ADMIN_TOKEN, TZ: 'UTC' });

  it('prints one summary without secrets, route mapping only at debug level, and a warning per misspelled variable', async () => {
    const server = await ServerProcess.start({
      ...base(),
      OAUTH_PROVIDERS: 'zoho,google',
      ZOHO_CLIENT_ID: 'zoho-client-id',
      ZOHO_CLIENT_SECRET: TEST_CLIENT_SECRET,
      SLACK_WEBHOOK_URL: 'http://127.0.0.1:9/hook',
      SLACK_WEBHOK_URL: 'http://127.0.0.1:9/typo',
      TOKEN_HEALTH_CONCURENCY: '3',
      GOOGLE_CLIENT_SCERET: 'x',
      GOOGLE_APPLICATION_CREDENTIALS: '/somewhere/else.json',
      // crontab's meaning: minute 0 of every 30th hour, i.e. daily at 00:00.
      TOKEN_HEALTH_CRON: '0 */30 * * *',
      TOKEN_HEALTH_ENABLED: 'true',
    });
    await server.stop();
    const url = new URL(database.url);
    const origin = `http://localhost:${server.port}`;

    expect(summaryOf(server.logs()).split('\n')).toEqual([
      `token-health ${VERSION} started`,
      `console: ${origin}/admin; API: ${origin}/graphql; health: ${origin}/health`,
      `database: ${url.hostname}:${url.port}/${database.name} (DATABASE_URL)`,
      'providers: zoho (app credentials set), google (no app credentials)',
      'alert channels: slack',
      expect.stringMatching(/^schedule: "0 \*\/30 \* \* \*"; next cycles at (\S+)T00:00:00\.000Z and (\S+)T00:00:00\.000Z$/),
      'concurrency: 10 provider refreshes; database pool: 11 connections',
    ]);
    expect(warnings(server.logs())).toEqual(
      expect.arrayContaining([
        'Unknown variable SLACK_WEBHOK_URL is ignored; did you mean SLACK_WEBHOOK_URL?',
        'Unknown variable TOKEN_HEALTH_CONCURENCY is ignored; did you mean TOKEN_HEALTH_CONCURRENCY?',
        'Unknown variable GOOGLE_CLIENT_SCERET is ignored; did you mean GOOGLE_CLIENT_SECRET?',
        'Provider google has no app credentials (GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET): its tokens cannot be refreshed',
        'TOKEN_HEALTH_CRON "0 */30 * * *" leaves up to 24 h between checks, longer than TOKEN_HEALTH_EXPIRY_WINDOW_MINUTES=60: access tokens can expire unchecked in between',
      ]),
    );
    expect(server.logs()).not.toContain('GOOGLE_APPLICATION_CREDENTIALS');
    expect(server.logs()).not.toContain(url.password);
    expect(entries(server.logs()).filter((entry) => ['RoutesResolver', 'RouterExplorer', 'InstanceLoader'].includes(entry.context ?? ''))).toEqual(
      [],
    );
  }, 120_000);

  it('fails with one line naming host, port and database when the database is unreachable', async () => {
    const closedPort = await freePort();
    const unreachable = new URL(database.url);
    unreachable.port = String(closedPort);

    const start = await ServerProcess.startExpectingExit({ ...base(), DATABASE_URL: unreachable.toString() });

    expect(start).toMatchObject({ code: 1, live: false });
    expect(nonEmptyLines(start.output)).toEqual([
      `Cannot reach the database at 127.0.0.1:${closedPort}/${database.name} (DATABASE_URL): connect ECONNREFUSED 127.0.0.1:${closedPort}`,
    ]);
  }, 60_000);

  it('fails with one line naming the user when the database refuses the credentials, never showing the password', async () => {
    const wrong = new URL(database.url);
    wrong.password = scan.secret('not-the-password-at-all', 'wrong database password');

    const start = await ServerProcess.startExpectingExit({ ...base(), DATABASE_URL: wrong.toString() });

    expect(start).toMatchObject({ code: 1, live: false });
    expect(nonEmptyLines(start.output)).toEqual([
      `The database at ${wrong.hostname}:${wrong.port}/${database.name} (DATABASE_URL) refused user "${wrong.username}": password authentication failed for user "${wrong.username}" (28P01)`,
    ]);
  }, 60_000);

  it('fails with one line naming PORT when the port is taken, before saying it started', async () => {
    const port = await freePort();
    // An HTTP server, so the wait for the refused server's /health/live gets an answer (404).
    const taken: Server = createServer((_request, response) => response.writeHead(404).end());
    await new Promise<void>((resolve) => taken.listen(port, resolve));
    try {
      const start = await ServerProcess.startExpectingExit(base(), port);

      expect(start).toMatchObject({ code: 1, live: false });
      expect(nonEmptyLines(start.output)).toEqual([
        `Invalid configuration: PORT=${port} is already in use by another process (EADDRINUSE); stop that process or choose another PORT`,
      ]);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  }, 60_000);
});
