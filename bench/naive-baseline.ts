'use strict';
// The naive checker the issue compares against, written the obvious way: select all rows,
// loop, refresh the ones that expire within the window one after another over HTTP,
// one UPDATE per row. Runs as a child process of check-cycle.js (same database, same fake
// provider, same encryption key) and reports its time and peak RSS.
const { performance } = require('node:perf_hooks');
const { Client } = require('pg');
const { childMain } = require('./lib/child');
const { dist } = require('./lib/paths');

const { TokenCipher } = require(dist('src/oauth/token-cipher'));

const WINDOW_MS = 60 * 60_000;

async function measure() {
  const cipher = new TokenCipher(Buffer.from(process.env.TOKEN_ENCRYPTION_KEY, 'hex'));
  const db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  try {
    const started = performance.now();
    const refreshed = await checkAllTokens(db, cipher);
    return { elapsedMs: performance.now() - started, refreshed, maxRss: process.resourceUsage().maxRSS * 1024 };
  } finally {
    await db.end();
  }
}

async function checkAllTokens(db, cipher) {
  const { rows } = await db.query('SELECT * FROM oauth_tokens');
  let refreshed = 0;
  for (const row of rows) {
    if (row.refresh_token && row.token_expiry && row.token_expiry.getTime() <= Date.now() + WINDOW_MS) {
      await refreshAndSave(db, cipher, row);
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

async function refreshAndSave(db, cipher, row) {
  const response = await fetch(`${process.env.ZOHO_ACCOUNTS_URL}/oauth/v2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: cipher.decrypt(row.refresh_token, { clientId: row.client_id, provider: row.provider, column: 'refresh_token' }),
      client_id: process.env.ZOHO_CLIENT_ID,
      client_secret: process.env.ZOHO_CLIENT_SECRET,
    }),
  });
  const body = await response.json();
  if (!body.access_token) throw new Error(`the fake provider refused a refresh: ${JSON.stringify(body)}`);
  await db.query(
    `UPDATE oauth_tokens SET access_token = $2, token_expiry = now() + $3::int * interval '1 second',
       token_status = 'healthy', health_check_error = NULL, last_refreshed_at = now(), last_health_check = now()
     WHERE id = $1`,
    [row.id, cipher.encrypt(body.access_token, { clientId: row.client_id, provider: row.provider, column: 'access_token' }), body.expires_in],
  );
}

childMain(measure);
