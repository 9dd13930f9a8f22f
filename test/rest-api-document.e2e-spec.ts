import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RestApiDocument } from '../src/api/rest-api-document';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { startTestApp, TestApp } from './support/test-app';
import { useSecretScan } from './support/secret-scan';

useSecretScan();

const ROOT = join(__dirname, '..');
const CHECKED_IN = join(ROOT, 'openapi.json');
const CLIENT_TYPES = join(ROOT, 'test/support/rest-api/openapi.d.ts');
// UPDATE_OPENAPI=1 rewrites the checked-in document and the client types from the code instead of comparing.
const updating = process.env.UPDATE_OPENAPI === '1';

interface Problem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  at?: string;
}

const generatedTypes = (): string =>
  execFileSync(process.execPath, [join(ROOT, 'node_modules/openapi-typescript/bin/cli.js'), CHECKED_IN], { cwd: ROOT, encoding: 'utf8' });

describe(RestApiDocument.name, () => {
  let database: TestDatabase;
  let app: TestApp;
  let served: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestApp({ DATABASE_URL: database.url });
    const response = await fetch(`${app.baseUrl}/api/openapi.json`);
    expect(response.status).toBe(200);
    served = `${JSON.stringify(await response.json(), null, 2)}\n`;
    if (updating) {
      writeFileSync(CHECKED_IN, served);
      writeFileSync(CLIENT_TYPES, generatedTypes());
    }
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('is served at /api/openapi.json without credentials, as OpenAPI 3.1', () => {
    expect(JSON.parse(served)).toMatchObject({ openapi: '3.1.0', info: { title: 'token-health REST API' } });
  });

  it('is the checked-in openapi.json (after a change, run UPDATE_OPENAPI=1 npx jest test/rest-api-document.e2e-spec.ts)', () => {
    expect(served).toBe(readFileSync(CHECKED_IN, 'utf8'));
  });

  it('passes the Redocly validator without an error or a warning', () => {
    const output = execFileSync(process.execPath, [join(__dirname, 'support/rest-api/validate-openapi.mjs'), CHECKED_IN], {
      cwd: ROOT,
      encoding: 'utf8',
    });

    expect(JSON.parse(output) as Problem[]).toEqual([]);
  });

  it('is what the generated client types were made from (openapi-typescript)', () => {
    expect(readFileSync(CLIENT_TYPES, 'utf8')).toBe(generatedTypes());
  });
});
