'use strict';
// A tiny Zoho-like token endpoint on 127.0.0.1: answers every refresh with a fresh access
// token after a fixed latency, and counts refreshes per refresh token so a bench can
// report duplicates (a token refreshed twice in one cycle).
const { once } = require('node:events');
const { createServer } = require('node:http');
const { onCleanup } = require('./cleanup');

class FakeZoho {
  constructor(server, latencyMs) {
    this.server = server;
    this.latencyMs = latencyMs;
    this.counts = new Map();
  }

  static async start({ latencyMs }) {
    let fake;
    const server = createServer((req, res) => fake.handle(req, res));
    // Longer than undici's keep-alive, so the app's pooled sockets are not cut mid-cycle.
    server.keepAliveTimeout = 60_000;
    fake = new FakeZoho(server, latencyMs);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    onCleanup(() => fake.close());
    return fake;
  }

  get url() {
    return `http://127.0.0.1:${this.server.address().port}`;
  }

  get refreshes() {
    let total = 0;
    for (const count of this.counts.values()) total += count;
    return total;
  }

  /** Refreshes beyond the first of each refresh token. */
  get duplicates() {
    let extra = 0;
    for (const count of this.counts.values()) extra += count - 1;
    return extra;
  }

  resetCounts() {
    this.counts.clear();
  }

  close() {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(resolve));
  }

  handle(req, res) {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      if (req.url !== '/oauth/v2/token' || form.get('grant_type') !== 'refresh_token') {
        res.writeHead(404).end();
        return;
      }
      const refreshToken = form.get('refresh_token');
      this.counts.set(refreshToken, (this.counts.get(refreshToken) ?? 0) + 1);
      setTimeout(() => {
        const body = JSON.stringify({
          access_token: `access-${Math.random().toString(36).slice(2)}`,
          api_domain: 'https://www.zohoapis.com',
          token_type: 'Bearer',
          expires_in: 3600,
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      }, this.latencyMs);
    });
  }
}

module.exports = { FakeZoho };
