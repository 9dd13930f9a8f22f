// The overlapping-cycles scenario of bench/detection: `replicas` built servers on one database,
// a 1-second cron shorter than a cycle, every due token's provider answering 500 for `rounds`
// rounds of the fleet (revoked grants answer invalid_code), then recovering. Measured from
// outside: the outbox rows per channel and event, when the incident opened after the first
// failing refresh, and the longest stretch in which some failing connection was neither in an
// open incident nor alerted (sampled every SAMPLE_MS).
import { Client } from 'pg';
import { FakeOAuthProvider, zohoSuccess } from '../../test/support/fake-oauth-provider';
import { AppServer, startAppServer } from './app-server';
import { Env } from './app-env';

const SAMPLE_MS = 200;
const RECOVERY_TIMEOUT_MS = 60_000;

export interface OverlapOptions {
  size: number;
  revoked: number;
  replicas: number;
  rounds: number;
}

export type ByChannelAndEvent = Record<string, Record<string, number>>;

export interface OverlapRun {
  byChannel: ByChannelAndEvent;
  /** From the first failing refresh to the incident's opening; null: it never opened. */
  detectionMs: number | null;
  /** Incidents opened and closed over the whole run. */
  incidents: number;
  closed: number;
  /** The longest stretch in the outage with a failing connection outside any open incident and unalerted. */
  longestUncoveredMs: number;
  /** Transient failures alerted one by one (token.unhealthy for refresh_failed, per channel summed). */
  perTokenTransient: number;
}

const UNCOVERED_SQL = `SELECT count(*)::int AS n FROM oauth_tokens t
  WHERE t.token_status = 'refresh_failed' AND t.last_alert_status IS DISTINCT FROM 'refresh_failed'
    AND NOT EXISTS (SELECT 1 FROM provider_outages o WHERE o.provider = t.provider AND o.closed_at IS NULL)`;

export async function runOverlappingCycles(
  db: Client,
  fake: FakeOAuthProvider,
  env: Env,
  main: string | undefined,
  { size, revoked, replicas, rounds }: OverlapOptions,
): Promise<OverlapRun> {
  const dead = new Set(Array.from({ length: revoked }, (_, i) => `bench-refresh-${size - 1 - i}`));
  let down = true;
  let firstFailureAt: number | undefined;
  const latencyMs = fake.latencyMs;
  fake.reset();
  fake.latencyMs = latencyMs;
  fake.defaultBehaviour = ({ refreshToken }) => {
    if (refreshToken !== null && dead.has(refreshToken)) return { status: 200, body: { error: 'invalid_code' } };
    if (!down) return zohoSuccess();
    firstFailureAt ??= Date.now();
    return { status: 500, body: 'accounts server error' };
  };
  const servers: AppServer[] = [];
  const cronEnv = { ...env, TOKEN_HEALTH_ENABLED: 'true', TOKEN_HEALTH_CRON: '* * * * * *' };
  let longestUncoveredMs = 0;
  try {
    servers.push(...(await Promise.all(Array.from({ length: replicas }, () => startAppServer(cronEnv, main)))));
    let uncoveredSince: number | undefined;
    while (fake.refreshCount() < rounds * size) {
      const [{ n }] = (await db.query<{ n: number }>(UNCOVERED_SQL)).rows;
      const now = Date.now();
      if (n > 0) uncoveredSince ??= now;
      else uncoveredSince = undefined;
      if (uncoveredSince !== undefined) longestUncoveredMs = Math.max(longestUncoveredMs, now - uncoveredSince);
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
    }
    down = false;
    const deadline = Date.now() + RECOVERY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      const [{ healthy }] = (await db.query<{ healthy: number }>(`SELECT count(*)::int AS healthy FROM oauth_tokens WHERE token_status = 'healthy'`))
        .rows;
      if (healthy >= size - revoked) break;
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
    }
    // Two more cycles for the recovery verdicts and the alerts they leave due.
    await new Promise((resolve) => setTimeout(resolve, 3000));
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
  return { ...(await countOutbox(db)), ...(await incidentsOf(db, firstFailureAt)), longestUncoveredMs };
}

async function countOutbox(db: Client): Promise<Pick<OverlapRun, 'byChannel' | 'perTokenTransient'>> {
  const { rows } = await db.query<{ channel: string; event: string; n: number; transient: number }>(
    `SELECT channel, COALESCE(payload->>'event', 'token') AS event, count(*)::int AS n,
            count(*) FILTER (WHERE payload->>'event' = 'token.unhealthy' AND payload->>'status' = 'refresh_failed')::int AS transient
       FROM alert_outbox GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  const byChannel: ByChannelAndEvent = {};
  let perTokenTransient = 0;
  for (const { channel, event, n, transient } of rows) {
    (byChannel[channel] ??= {})[event] = n;
    perTokenTransient += transient;
  }
  return { byChannel, perTokenTransient };
}

async function incidentsOf(db: Client, firstFailureAt: number | undefined): Promise<Pick<OverlapRun, 'detectionMs' | 'incidents' | 'closed'>> {
  const { rows } = await db.query<{ opened_at: Date; closed_at: Date | null }>('SELECT opened_at, closed_at FROM provider_outages ORDER BY id');
  const opened = rows[0]?.opened_at;
  return {
    detectionMs: opened && firstFailureAt !== undefined ? Math.max(0, opened.getTime() - firstFailureAt) : null,
    incidents: rows.length,
    closed: rows.filter((row) => row.closed_at !== null).length,
  };
}
