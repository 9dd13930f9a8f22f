// The amplification cases of the surface-attacks bench: each GraphQL request an admin-token
// holder can send, timed against a trivial query ({ __typename }) in the same rounds, with the
// size of its answer and the server's RSS growth over all of them.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { ADMIN_API_TOKEN } from './app-env';
import { AppServer } from './app-server';

export interface AmplificationCase {
  name: string;
  requestBytes: number;
  status: number;
  /** What the answer was: data, or the first error's code. */
  outcome: string;
  answerBytes: number;
  medianMs: number;
  ratio: number;
  /** Cases an honest client may send: reported, not held to the target. */
  accepted: boolean;
}

export interface Amplification {
  trivialMs: number;
  rounds: number;
  cases: AmplificationCase[];
  rssBeforeMb: number;
  rssPeakMb: number;
}

interface Case {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  accepted?: boolean;
}

export const HISTORY_CLIENT = 'client-0000001';
const HISTORY_EVENTS = 1000;
const aliased = (n: number, field: string) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ')} }`;
const searchPage = (search: string) => ({
  query: 'query($search: String) { tokens(first: 50, filter: { search: $search }) { edges { node { clientId } } totalCount } }',
  variables: { search },
});
// Every seeded clientId is client-NNNNNNN: each trigram of this word is in every row.
const REPEATED_WORD = 'client-'.repeat(14);
const history = (first: number) =>
  `tokenHealthHistory(clientId: "${HISTORY_CLIENT}", provider: "zoho", first: ${first}) { at fromStatus toStatus error source }`;

function cases(): Case[] {
  return [
    {
      name: 'tokenHealthHistory(first: 500) { error } × 40 aliases',
      query: aliased(40, `tokenHealthHistory(clientId: "${HISTORY_CLIENT}", provider: "zoho", first: 500) { error }`),
    },
    { name: '250 aliases of tokens(first: 1) { totalCount }', query: aliased(250, 'tokens(first: 1) { totalCount }') },
    {
      name: `250 aliases of tokens(first: 1, filter: { search: "client-client-…" }) { totalCount }`,
      query: aliased(250, `tokens(first: 1, filter: { search: "${REPEATED_WORD}" }) { totalCount }`),
    },
    ...['zz', 'x', '%', '_', '\\'].map((term) => ({ name: `search ${JSON.stringify(term)} (no trigram), page + totalCount`, ...searchPage(term) })),
    { name: `search "client-" × 14 (98 characters, every row a candidate)`, ...searchPage(REPEATED_WORD) },
    { name: `search "client-" × 36 (252 characters)`, ...searchPage('client-'.repeat(36)) },
    {
      name: 'hand-made deep cursor (f1:3:-999999999999999999:…)',
      query: 'query($after: String) { tokens(after: $after) { edges { cursor } } }',
      variables: { after: Buffer.from('f1:3:-999999999999999999:0b6f4a52-4f3e-4c1e-9a43-5d0f2e1c9b7a').toString('base64url') },
    },
    { name: 'largest accepted history: first: 500, every field', query: `{ ${history(500)} }`, accepted: true },
    { name: 'search "client" (every client matches)', ...searchPage('client'), accepted: true },
    { name: 'largest accepted count: 3 × tokens(first: 1) { totalCount }', query: aliased(3, 'tokens(first: 1) { totalCount }'), accepted: true },
    { name: 'full page: tokens(first: 100) with every field and totalCount', query: FULL_PAGE, accepted: true },
  ];
}

const FULL_PAGE = `{ tokens(first: 100) { edges { cursor node { clientId provider status lastRefresh lastHealthCheck accessTokenExpiresAt error } }
  pageInfo { hasNextPage endCursor } totalCount } }`;

/** One connection with a long history, as a flapping token leaves it. */
export async function seedHistory(db: Client): Promise<void> {
  await db.query(
    `INSERT INTO token_health_events (token_id, client_id, provider, at, from_status, to_status, error, source)
     SELECT t.id, t.client_id, t.provider, now() - n * interval '1 minute', 'healthy', 'refresh_failed',
            'Refresh failed: the provider answered HTTP 503 Service Unavailable; retrying at the next cycle (' || n || ')', 'check'
       FROM oauth_tokens t, generate_series(1, $2::int) AS n
      WHERE t.client_id = $1 AND t.provider = 'zoho'`,
    [HISTORY_CLIENT, HISTORY_EVENTS],
  );
}

export async function measureAmplification(server: AppServer, rounds: number): Promise<Amplification> {
  const all = cases();
  const bodies = all.map((c) => JSON.stringify({ query: c.query, variables: c.variables ?? {} }));
  const trivialBody = JSON.stringify({ query: '{ __typename }' });
  for (let i = 0; i < 5; i++) await send(server, trivialBody);
  const rssBeforeMb = rss(server.pid, 'VmRSS');
  const trivial: number[] = [];
  const timings: number[][] = all.map(() => []);
  const answers: { status: number; bytes: number; outcome: string }[] = [];
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < all.length; i++) {
      trivial.push((await send(server, trivialBody)).ms);
      const answer = await send(server, bodies[i]);
      timings[i].push(answer.ms);
      answers[i] = answer;
    }
  }
  // Four of each at once, as the red team sent them: what they do to memory.
  for (const body of bodies) await Promise.all(Array.from({ length: 4 }, () => send(server, body)));
  const trivialMs = median(trivial);
  return {
    trivialMs,
    rounds,
    rssBeforeMb,
    rssPeakMb: rss(server.pid, 'VmHWM'),
    cases: all.map((c, i) => ({
      name: c.name,
      requestBytes: Buffer.byteLength(bodies[i]),
      status: answers[i].status,
      outcome: answers[i].outcome,
      answerBytes: answers[i].bytes,
      medianMs: median(timings[i]),
      ratio: median(timings[i]) / trivialMs,
      accepted: !!c.accepted,
    })),
  };
}

async function send(server: AppServer, body: string): Promise<{ ms: number; status: number; bytes: number; outcome: string }> {
  const started = performance.now();
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_API_TOKEN}` },
    body,
  });
  const text = await response.text();
  const ms = performance.now() - started;
  let outcome = 'data';
  try {
    const parsed = JSON.parse(text) as { errors?: { extensions?: { code?: string; costLimit?: string } }[] };
    const error = parsed.errors?.[0]?.extensions;
    if (error) outcome = [error.code, error.costLimit].filter(Boolean).join(' ');
  } catch {
    outcome = 'not JSON';
  }
  return { ms, status: response.status, bytes: Buffer.byteLength(text), outcome };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** A line of /proc/<pid>/status in MB (VmRSS now, VmHWM the peak). */
function rss(pid: number | undefined, field: 'VmRSS' | 'VmHWM'): number {
  if (pid === undefined) return Number.NaN;
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  return line ? Number(line.replace(/\D+/g, '')) / 1024 : Number.NaN;
}
