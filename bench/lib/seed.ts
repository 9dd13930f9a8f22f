// Seeds oauth_tokens fast: the secrets are encrypted with the app's own TokenCipher, but
// once (rows share a ciphertext) except for rows that will be refreshed, whose values are
// encrypted per row (ciphertext is bound to its row, and these are decrypted) and whose refresh
// tokens are distinct so the fake provider can tell a duplicate refresh. The shared values of
// the other rows are well-formed ciphertext under the current key that no cycle decrypts.
// Rows are written set-wise with generate_series/unnest.
import { Client } from 'pg';
import { effectiveLastHealthCheckSql } from '../../src/oauth/effective-health-check.sql';
import { TokenCipher } from '../../src/oauth/token-cipher';
import { ENCRYPTION_KEY_HEX } from './app-env';

/** Rows whose client_id starts with this are "due": their access token expires inside the window. */
const DUE_PREFIX = 'due-';
const DUE_EXPIRY = "now() + interval '5 minutes'"; // inside the default 60-minute window
const FAR_EXPIRY = "now() + interval '30 days'";

const cipher = new TokenCipher(Buffer.from(ENCRYPTION_KEY_HEX, 'hex'));

type Column = 'access_token' | 'refresh_token';
const boundTo = (id: string, column: Column) => ({ clientId: id, provider: 'zoho', column });
const shared = (column: Column) => boundTo('bench-shared', column);

export function clientId(index: number, due: boolean): string {
  return `${due ? DUE_PREFIX : 'client-'}${String(index).padStart(7, '0')}`;
}

/**
 * `rows` tokens over `clients` clients (one provider name per slot: zoho, zoho-1, …);
 * every `dueEvery`-th client is due for a refresh (0 = none). Replaces what was there.
 */
export async function seedTokens(
  db: Client,
  { rows, clients = rows, dueEvery = 0 }: { rows: number; clients?: number; dueEvery?: number },
): Promise<{ rows: number; due: number }> {
  const isDue = (index: number) => dueEvery > 0 && index % dueEvery === 0;
  await db.query('TRUNCATE oauth_tokens, token_health_sweeps');
  await insertFarRows(db, rows, clients, dueEvery);
  const dueIds: number[] = [];
  for (let index = 0; index < clients; index++) if (isDue(index)) dueIds.push(index);
  await insertDueRows(db, dueIds);
  await tidy(db);
  return { rows, due: dueIds.length };
}

async function insertFarRows(db: Client, rows: number, clients: number, dueEvery: number): Promise<void> {
  await db.query(
    `INSERT INTO oauth_tokens (client_id, provider, access_token, refresh_token, token_expiry)
     SELECT 'client-' || lpad((i % $2)::text, 7, '0'),
            CASE WHEN i / $2 = 0 THEN 'zoho' ELSE 'zoho-' || (i / $2) END,
            $3, $4, ${FAR_EXPIRY}
       FROM generate_series(0, $1 - 1) AS i
      WHERE $5 = 0 OR i >= $2 OR i % $5 <> 0`,
    [
      rows,
      clients,
      cipher.encrypt('bench-access-token', shared('access_token')),
      cipher.encrypt('bench-refresh-token', shared('refresh_token')),
      dueEvery,
    ],
  );
}

// Only slot 0 (provider zoho) of a due client is due: the fake speaks Zoho.
async function insertDueRows(db: Client, indexes: number[]): Promise<void> {
  if (indexes.length === 0) return;
  await db.query(
    `INSERT INTO oauth_tokens (client_id, provider, access_token, refresh_token, token_expiry)
     SELECT id, 'zoho', access, refresh, ${DUE_EXPIRY} FROM unnest($1::text[], $2::text[], $3::text[]) AS due(id, refresh, access)`,
    [
      indexes.map((index) => clientId(index, true)),
      indexes.map((index) => cipher.encrypt(`bench-refresh-${index}`, boundTo(clientId(index, true), 'refresh_token'))),
      indexes.map((index) => cipher.encrypt('bench-access-token', boundTo(clientId(index, true), 'access_token'))),
    ],
  );
}

/** Puts every row back as seeded: due rows near expiry again, no check or refresh recorded. */
export async function resetTokens(db: Client): Promise<void> {
  // The recorded sweeps stand for checks of the rows as they were; the reset rows start unchecked.
  await db.query('TRUNCATE token_health_sweeps');
  await db.query(
    `UPDATE oauth_tokens SET
       token_expiry = CASE WHEN client_id LIKE '${DUE_PREFIX}%' THEN ${DUE_EXPIRY} ELSE ${FAR_EXPIRY} END,
       token_status = 'healthy', health_check_error = NULL, last_health_check = NULL,
       last_refreshed_at = NULL, last_refresh_attempt_at = NULL, health_check_lease_until = NULL,
       last_alert_status = NULL, last_alerted_at = NULL`,
  );
  await tidy(db);
}

/**
 * Every run must start from the same table: without this the dead tuples of the previous
 * run's updates (and a checkpoint falling inside the next run) skew the timing.
 */
export async function tidy(db: Client): Promise<void> {
  await db.query('VACUUM ANALYZE oauth_tokens');
  await db.query('CHECKPOINT').catch(() => undefined); // needs superuser on a shared server
}

/** What a cycle left behind, to check it did its job. */
export interface TokenCounts {
  total: number;
  unchecked: number;
  refreshed: number;
  unhealthy: number;
}

export async function tokenCounts(db: Client): Promise<TokenCounts> {
  const { rows } = await db.query<TokenCounts>(
    `SELECT count(*)::int AS total,
            count(*) FILTER (WHERE ${effectiveLastHealthCheckSql('oauth_tokens')} IS NULL)::int AS unchecked,
            count(*) FILTER (WHERE last_refreshed_at IS NOT NULL)::int AS refreshed,
            count(*) FILTER (WHERE token_status <> 'healthy')::int AS unhealthy
       FROM oauth_tokens`,
  );
  return rows[0];
}
