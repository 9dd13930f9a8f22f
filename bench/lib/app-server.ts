// The built server as a bench runs it: the shared ServerProcess (test/support), started in a
// temp working directory so the schema.gql it writes lands there, stopped by the cleanup.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServerProcess } from '../../test/support/server-process';
import { ADMIN_API_TOKEN, Env } from './app-env';
import { onCleanup } from './cleanup';

const STOP_GRACE_MS = 10_000;

export interface AppServer {
  url: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

export async function startAppServer(env: Env, main?: string): Promise<AppServer> {
  const workDir = mkdtempSync(join(tmpdir(), 'token-health-bench-app-'));
  let server: ServerProcess;
  try {
    server = await ServerProcess.start(env, { cwd: workDir, main });
  } catch (error) {
    rmSync(workDir, { recursive: true, force: true });
    throw error;
  }
  const stop = async () => {
    await server.stop('SIGTERM', STOP_GRACE_MS);
    rmSync(workDir, { recursive: true, force: true });
  };
  const forget = onCleanup(stop);
  return {
    url: server.url,
    pid: server.pid,
    async stop() {
      forget();
      await stop();
    },
  };
}

interface GraphqlBody<T> {
  data?: T;
  errors?: unknown[];
}

/** POST /graphql as the admin; throws on an HTTP or GraphQL error. */
export async function graphql<T>(server: { url: string }, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_API_TOKEN}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as GraphqlBody<T>;
  if (!response.ok || body.errors || body.data === undefined) {
    throw new Error(`GraphQL ${response.status}: ${JSON.stringify(body.errors ?? body)}`);
  }
  return body.data;
}
