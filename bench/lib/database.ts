'use strict';
// A PostgreSQL for one bench run: the embedded server in a temp dir (or the server of
// BENCH_DATABASE_URL), with a fresh database created for the run and dropped after it,
// migrated with the app's own migrations.
const { randomBytes } = require('node:crypto');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { Client } = require('pg');
const { DataSource } = require('typeorm');
const { dist } = require('./paths');
const { onCleanup } = require('./cleanup');

const { EmbeddedDatabase } = require(dist('src/database/embedded-database'));
const { buildDataSourceOptions } = require(dist('src/database/database-options'));

async function startServer(maxConnections) {
  if (process.env.BENCH_DATABASE_URL) {
    return { adminUrl: process.env.BENCH_DATABASE_URL, description: 'BENCH_DATABASE_URL' };
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'token-health-bench-'));
  onCleanup(() => rmSync(dataDir, { recursive: true, force: true }));
  const server = await EmbeddedDatabase.start({ dataDir, maxConnections });
  onCleanup(() => server.stop());
  return { adminUrl: server.url, description: `embedded PostgreSQL (default settings, max_connections=${maxConnections})` };
}

/** Starts (or reaches) the server, creates and migrates a throwaway database; returns its URL. */
async function createBenchDatabase(label, { maxConnections = 300 } = {}) {
  const { adminUrl, description } = await startServer(maxConnections);
  const name = `bench_${label}_${randomBytes(4).toString('hex')}`;
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  onCleanup(() => withClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await migrate(url.toString());
  const version = await withClient(url.toString(), (client) => client.query('SHOW server_version'));
  return { url: url.toString(), description: `${description}, PostgreSQL ${version.rows[0].server_version}` };
}

async function migrate(url) {
  const dataSource = await new DataSource(buildDataSourceOptions(url, 2)).initialize();
  try {
    await dataSource.runMigrations({ transaction: 'all' });
  } finally {
    await dataSource.destroy();
  }
}

async function withClient(url, work) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A connected client that the cleanup closes. */
async function connect(url) {
  const client = new Client({ connectionString: url });
  await client.connect();
  onCleanup(() => client.end());
  return client;
}

module.exports = { createBenchDatabase, connect, withClient };
