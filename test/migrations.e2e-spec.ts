import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../migrations';
import { buildDataSourceOptions } from '../src/database/database-options';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { useSecretScan } from './support/secret-scan';

const scan = useSecretScan();

/** The columns of a host's own `oauth_tokens` table, before any migration of ours. */
const HOST_TABLE_COLUMNS = ['access_token', 'client_id', 'created_at', 'id', 'provider', 'refresh_token', 'scope', 'token_expiry', 'updated_at'];

async function columnsOfTable(dataSource: DataSource, table: string): Promise<string[]> {
  const rows = await dataSource.query<{ column_name: string }[]>(
    'SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY column_name',
    [table],
  );
  return rows.map((row) => row.column_name);
}

describe('migrations', () => {
  let database: TestDatabase;
  let sut: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    sut = await new DataSource(buildDataSourceOptions(database.url, 2)).initialize();
  });

  afterAll(async () => {
    await sut.destroy();
    await database.drop();
  });

  const columnsOf = (table: string) => columnsOfTable(sut, table);

  it('creates oauth_tokens with the health columns, a status CHECK and a unique (client_id, provider)', async () => {
    await sut.runMigrations();

    expect(await columnsOf('oauth_tokens')).toEqual(
      expect.arrayContaining([
        'client_id',
        'provider',
        'access_token',
        'refresh_token',
        'token_expiry',
        'scope',
        'token_status',
        'last_health_check',
        'health_check_error',
      ]),
    );
    const [column] = await sut.query(
      `SELECT data_type, character_maximum_length, is_nullable, column_default FROM information_schema.columns
        WHERE table_name = 'oauth_tokens' AND column_name = 'token_status'`,
    );
    expect(column).toMatchObject({ data_type: 'character varying', character_maximum_length: 20, is_nullable: 'NO' });
    expect(column.column_default).toContain("'healthy'");
    await sut.query(`INSERT INTO oauth_tokens (client_id, provider) VALUES ('acme', 'zoho')`);
    await expect(sut.query(`INSERT INTO oauth_tokens (client_id, provider) VALUES ('acme', 'zoho')`)).rejects.toThrow(/unique/i);
    await expect(sut.query(`UPDATE oauth_tokens SET token_status = 'bogus'`)).rejects.toThrow(/check/i);
  });

  it('reverts every migration down to an empty schema, and back up again', async () => {
    for (let i = 0; i < MIGRATIONS.length; i++) await sut.undoLastMigration();
    expect(await columnsOf('oauth_tokens')).toEqual([]);
    expect(await columnsOf('alert_outbox')).toEqual([]);

    await sut.runMigrations();
    expect(await columnsOf('alert_outbox')).toContain('next_attempt_at');
  });

  it('reverting only the health migration leaves the host table as it was', async () => {
    for (let i = 1; i < MIGRATIONS.length; i++) await sut.undoLastMigration();
    expect(await columnsOf('oauth_tokens')).toEqual(HOST_TABLE_COLUMNS);
    await sut.runMigrations();
  });

  it('runs and reverts through the TypeORM CLI data source (npm run migration:run / migration:revert)', async () => {
    const cli = (command: string) =>
      capture(
        command,
        execFileSync(join(__dirname, '..', 'node_modules', '.bin', 'typeorm'), [command, '-d', 'dist/src/database/data-source.js'], {
          cwd: join(__dirname, '..'),
          env: { ...process.env, DATABASE_URL: database.url },
          encoding: 'utf8',
        }),
      );
    const capture = (command: string, output: string) => (scan.capture(`typeorm ${command}`, output), output);

    const applied = async () => (await sut.query<{ name: string }[]>('SELECT name FROM typeorm_migrations ORDER BY id')).map((row) => row.name);
    const last = MIGRATIONS[MIGRATIONS.length - 1].name;

    expect(cli('migration:revert')).toContain(`${last} has been reverted`);
    expect(await applied()).not.toContain(last);
    expect(cli('migration:run')).toContain(`${last} has been executed`);
    expect(await applied()).toContain(last);
  });
});

describe('migrations on a host app whose oauth_tokens table already exists', () => {
  let database: TestDatabase;
  let sut: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    sut = await new DataSource(buildDataSourceOptions(database.url, 2)).initialize();
    // The host's own table: its own id type, no unique (client_id, provider), and a row.
    await sut.query(`
      CREATE TABLE oauth_tokens (
        id bigserial PRIMARY KEY, client_id varchar(255) NOT NULL, provider varchar(64) NOT NULL,
        access_token text, refresh_token text, token_expiry timestamptz, scope text,
        created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now())`);
    await sut.query(`INSERT INTO oauth_tokens (client_id, provider, refresh_token) VALUES ('acme', 'zoho', 'host-value')`);
  });

  afterAll(async () => {
    await sut.destroy();
    await database.drop();
  });

  it('upgrades it in place: rows kept, health columns added, unique (client_id, provider) added', async () => {
    await sut.runMigrations();

    expect(await sut.query('SELECT client_id, provider, refresh_token, token_status FROM oauth_tokens')).toEqual([
      { client_id: 'acme', provider: 'zoho', refresh_token: 'host-value', token_status: 'healthy' },
    ]);
    await expect(sut.query(`INSERT INTO oauth_tokens (client_id, provider) VALUES ('acme', 'zoho')`)).rejects.toThrow(/unique/i);
  });

  it('reverting every migration gives the host its table back as it was, never drops it', async () => {
    for (let i = 0; i < MIGRATIONS.length; i++) await sut.undoLastMigration();

    expect(await columnsOfTable(sut, 'oauth_tokens')).toEqual(HOST_TABLE_COLUMNS);
    expect(await sut.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'oauth_tokens' AND indexname <> 'oauth_tokens_pkey'`)).toEqual([]);
    expect(await sut.query('SELECT count(*)::int AS n FROM oauth_tokens')).toEqual([{ n: 1 }]);
  });
});
