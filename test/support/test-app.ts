// Boots the real application (AppModule) against a suite's database, on an
// ephemeral port, with configuration given as environment variables.
import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppModule, AppModuleOptions } from '../../src/app.module';
import { ServerConfig } from '../../src/config/server-config';
import { parseAppConfig } from '../../src/config/parse-app-config';
import { CapturedLogger } from './captured-logger';
import { secretScan } from './secret-scan';

// Random, so no 12-character fragment of a secret also occurs in an innocent value (the scan's rule).
export const TEST_ADMIN_TOKEN = `admin-${randomBytes(12).toString('hex')}`;
export const TEST_ENCRYPTION_KEY = randomBytes(32).toString('hex');
export const TEST_CLIENT_SECRET = `cs-${randomBytes(12).toString('hex')}`;

export interface TestApp {
  app: INestApplication;
  config: ServerConfig;
  dataSource: DataSource;
  baseUrl: string;
  get<T>(type: abstract new (...args: never[]) => T): T;
  close(): Promise<void>;
}

/** The environment every test app and test server starts from: known secrets, no schedule, fast timeouts. */
export function testEnv(overrides: Record<string, string | undefined>): Record<string, string> {
  const env = {
    NODE_ENV: 'test',
    TOKEN_HEALTH_ENABLED: 'false',
    ADMIN_API_TOKEN: TEST_ADMIN_TOKEN,
    TOKEN_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    ZOHO_CLIENT_ID: 'zoho-client-id',
    ZOHO_CLIENT_SECRET: TEST_CLIENT_SECRET,
    TOKEN_HEALTH_PROVIDER_TIMEOUT_MS: '1000',
    ALERT_DISPATCH_INTERVAL_MS: '100',
    ...overrides,
  };
  const defined = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
  secretScan.secretsOfEnv(defined);
  return defined;
}

let apps = 0;

export async function startTestApp(env: Record<string, string | undefined>, options: AppModuleOptions = {}): Promise<TestApp> {
  const config = parseAppConfig(testEnv(env));
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config, { emitSchema: false, ...options })] }).compile();
  const name = `in-process app ${++apps}`;
  const app = moduleRef.createNestApplication({ logger: new CapturedLogger(name) });
  app.use(captureResponses(name));
  await app.listen(0, '127.0.0.1');
  const baseUrl = await app.getUrl();
  return {
    app,
    config,
    dataSource: app.get(DataSource),
    baseUrl: baseUrl.replace('[::1]', '127.0.0.1'),
    get: (type) => app.get(type, { strict: false }),
    close: () => app.close(),
  };
}

type Next = () => void;
interface CapturableResponse {
  write(chunk: unknown, ...rest: unknown[]): boolean;
  end(chunk?: unknown, ...rest: unknown[]): unknown;
  once(event: 'finish', listener: () => void): unknown;
}

/** Express middleware that hands every response body the app sends to the secret scan. */
function captureResponses(name: string) {
  return (req: { method: string; originalUrl: string }, res: CapturableResponse, next: Next) => {
    const chunks: Buffer[] = [];
    const keep = (chunk: unknown) => {
      if (typeof chunk === 'string') chunks.push(Buffer.from(chunk));
      else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
    };
    const { write, end } = res;
    res.write = function (this: unknown, chunk: unknown, ...rest: unknown[]) {
      keep(chunk);
      return write.call(this, chunk, ...rest);
    };
    res.end = function (this: unknown, chunk?: unknown, ...rest: unknown[]) {
      if (typeof chunk !== 'function') keep(chunk);
      return end.call(this, chunk, ...rest);
    };
    res.once('finish', () => secretScan.capture(`${name} response to ${req.method} ${req.originalUrl}`, Buffer.concat(chunks).toString('utf8')));
    next();
  };
}
