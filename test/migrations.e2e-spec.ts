import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../migrations';
import { buildDataSourceOptions } from '../src/database/database-options';
import { createTestDatabase, TestDatabase } from './support/test-database';

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

  const columnsOf = async (table: string): Promise<string[]> =>
    (await sut.query('SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY column_name', [table])).map(
      (row: { column_name: string }) => row.column_name,
    );

  it('creates oauth_tokens with the health columns, a status CHECK and a unique (client_id, provider)', async () => {
    await sut.runMigrations();

    expect(await columnsOf('oauth_tokens')).toEqual(
      expect.arrayContaining(['client_id', 'provider', 'access_token', 'refresh_token', 'token_expiry', 'scope', 'token_status', 'last_health_check', 'health_check_error']),
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
    expect(await columnsOf('oauth_tokens')).toEqual(
      ['access_token', 'client_id', 'created_at', 'id', 'provider', 'refresh_token', 'scope', 'token_expiry', 'updated_at'],
    );
    await sut.runMigrations();
  });

  it('runs and reverts through the TypeORM CLI data source (npm run migration:run / migration:revert)', async () => {
    const cli = (command: string) =>
      execFileSync(join(__dirname, '..', 'node_modules', '.bin', 'typeorm'), [command, '-d', 'dist/src/database/data-source.js'], {
        cwd: join(__dirname, '..'),
        env: { ...process.env, DATABASE_URL: database.url },
        encoding: 'utf8',
      });

    const applied = async () => (await sut.query('SELECT name FROM typeorm_migrations ORDER BY id')).map((row: { name: string }) => row.name);
    const last = MIGRATIONS[MIGRATIONS.length - 1].name;

    expect(cli('migration:revert')).toContain(`${last} has been reverted`);
    expect(await applied()).not.toContain(last);
    expect(cli('migration:run')).toContain(`${last} has been executed`);
    expect(await applied()).toContain(last);
  });
});
