'use strict';
// The built server (`node dist/src/main.js`) as a child process, configured by environment
// like a deployment. Its cwd is a temp dir so the schema.gql it writes lands there, and its
// JSON log goes to a file there (shown if it fails to start).
const { spawn } = require('node:child_process');
const { mkdtempSync, openSync, readFileSync, rmSync } = require('node:fs');
const { createServer } = require('node:net');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { ADMIN_API_TOKEN } = require('./app-env');
const { stopProcess } = require('./child');
const { onCleanup } = require('./cleanup');
const { dist } = require('./paths');

const START_TIMEOUT_MS = 60_000;

/** `nodeArgs`: extra Node flags, e.g. ['--cpu-prof'] to profile a replica. */
async function startAppServer(env, { nodeArgs = [] } = {}) {
  const port = await freePort();
  const workDir = mkdtempSync(join(tmpdir(), 'token-health-bench-app-'));
  const logPath = join(workDir, 'app.log');
  const log = openSync(logPath, 'a');
  const child = spawn(process.execPath, [...nodeArgs, `${dist('src/main')}.js`], {
    cwd: workDir,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', log, log],
  });
  const stop = async () => {
    await stopProcess(child);
    rmSync(workDir, { recursive: true, force: true });
  };
  const forget = onCleanup(stop);
  const server = {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    async stop() {
      forget();
      await stop();
    },
  };
  await waitUntilLive(server, child, logPath);
  return server;
}

async function waitUntilLive(server, child, logPath) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const live = await fetch(`${server.url}/health/live`).then(
      (res) => res.ok,
      () => false,
    );
    if (live) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const tail = readFileSync(logPath, 'utf8').split('\n').slice(-20).join('\n');
  throw new Error(`the app server did not start (exit code ${child.exitCode}); its log ends with:\n${tail}`);
}

/** POST /graphql as the admin; throws on an HTTP or GraphQL error. */
async function graphql(server, query, variables = {}) {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_API_TOKEN}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (!response.ok || body.errors) throw new Error(`GraphQL ${response.status}: ${JSON.stringify(body.errors ?? body)}`);
  return body.data;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

module.exports = { startAppServer, graphql };
