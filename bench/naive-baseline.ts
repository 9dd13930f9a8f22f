// The naive checker the issue compares against, written the obvious way: select all rows,
// loop, refresh the ones that expire within the window one after another over HTTP,
// one UPDATE per row. Runs as a child process of check-cycle.ts (same database, same fake
// provider, same encryption key) and reports its time and peak RSS.
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { TokenCipher } from '../src/oauth/token-cipher';
import { childMain } from './lib/child';

const WINDOW_MS = 60 * 60_000;

export interface NaiveResult {
  elapsedMs: number;
  refreshed: number;
  maxRss: number;
}

interface Row {
  id: string;
  client_id: string;
  provider: string;
  refresh_token: string | null;
  token_expiry: Date | null;
}

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set (this script is started by check-cycle)`);
  return value;
};

async function measure(): Promise<NaiveResult> {
  const cipher = new TokenCipher(Buffer.from(env('TOKEN_ENCRYPTION_KEY'), 'hex'));
  const db = new Client({ connectionString: env('DATABASE_URL') });
  await db.connect();
  try {
    const started = performance.now();
    const refreshed = await checkAllTokens(db, cipher);
    return { elapsedMs: performance.now() - started, refreshed, maxRss: process.resourceUsage().maxRSS * 1024 };
  } finally {
    await db.end();
  }
}

async function checkAllTokens(db: Client, cipher: TokenCipher): Promise<number> {
  const { rows } = await db.query<Row>('SELECT * FROM oauth_tokens');
  let refreshed = 0;
  for (const row of rows) {
    if (row.refresh_token && row.token_expiry && row.token_expiry.getTime() <= Date.now() + WINDOW_MS) {
      await refreshAndSave(db, cipher, { ...row, refresh_token: row.refresh_token });
      refreshed++;
    } else {
      await db.query(`UPDATE oauth_tokens SET token_status = $2, health_check_error = NULL, last_health_check = now() WHERE id = $1`, [
        row.id,
        row.refresh_token ? 'healthy' : 'invalid',
      ]);
    }
  }
  return refreshed;
}

async function refreshAndSave(db: Client, cipher: TokenCipher, row: Row & { refresh_token: string }): Promise<void> {
  const response = await fetch(`${env('ZOHO_ACCOUNTS_URL')}/oauth/v2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: cipher.decrypt(row.refresh_token, { clientId: row.client_id, provider: row.provider, column: 'refresh_token' }),
      client_id: env('ZOHO_CLIENT_ID'),
      client_secret: env('ZOHO_CLIENT_SECRET'),
    }),
  });
  const body = (await response.json()) as { access_token?: string; expires_in?: number };
  if (!body.access_token) throw new Error(`the fake provider refused a refresh: ${JSON.stringify(body)}`);
  await db.query(
    `UPDATE oauth_tokens SET access_token = $2, token_expiry = now() + $3::int * interval '1 second',
       token_status = 'healthy', health_check_error = NULL, last_refreshed_at = now(), last_health_check = now()
     WHERE id = $1`,
    [row.id, cipher.encrypt(body.access_token, { clientId: row.client_id, provider: row.provider, column: 'access_token' }), body.expires_in],
  );
}

childMain(measure);
