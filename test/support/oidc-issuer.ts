// Starts test/support/oidc-issuer.mjs (a real oidc-provider) and drives its login
// and consent pages over plain HTTP, the way a browser would: follow redirects,
// keep cookies, submit the forms.
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { secretScan } from './secret-scan';

export interface IssuerClient {
  client_id: string;
  client_secret: string;
  redirect_uris: string[];
  refreshTokenTtlSeconds?: number;
}

export class OidcIssuer {
  private output = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly issuer: string,
  ) {
    child.stdout!.on('data', (chunk) => (this.output += chunk));
    child.stderr!.on('data', (chunk) => (this.output += chunk));
  }

  static async start(clients: IssuerClient[]): Promise<OidcIssuer> {
    const child = spawn(process.execPath, [join(__dirname, 'oidc-issuer.mjs')], {
      env: { PATH: process.env.PATH!, NODE_ENV: 'test', OIDC_ISSUER_OPTIONS: JSON.stringify({ clients }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const issuer = await new Promise<string>((resolve, reject) => {
      let seen = '';
      child.stdout.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        const ready = /READY (\S+)/.exec(seen);
        if (ready) resolve(ready[1]);
      });
      child.stderr.on('data', (chunk: Buffer) => (seen += chunk.toString()));
      child.on('exit', (code) => reject(new Error(`oidc-issuer exited with ${code}: ${seen}`)));
    });
    secretScan.captureProcess(child, 'oidc-provider issuer');
    return new OidcIssuer(child, issuer);
  }

  /** Grant events the issuer logged (`GRANT refresh_token`, `GRANT_ERROR refresh_token invalid_grant`). */
  events(): string[] {
    return this.output.split('\n').filter((line) => line.startsWith('GRANT'));
  }

  /**
   * Signs `accountId` in at the authorize URL and consents to everything asked; returns
   * the redirect back to the client (its callback URL with code and state), not followed.
   */
  async signInAndConsent(authorizeUrl: string, accountId: string): Promise<URL> {
    const cookies = new Map<string, string>();
    let next: { url: string; method: 'GET' | 'POST'; form?: Record<string, string> } = { url: authorizeUrl, method: 'GET' };
    for (let step = 0; step < 12; step++) {
      const response = await fetch(next.url, {
        method: next.method,
        redirect: 'manual',
        headers: {
          cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
          ...(next.form && { 'content-type': 'application/x-www-form-urlencoded' }),
        },
        body: next.form && new URLSearchParams(next.form).toString(),
      });
      for (const header of response.headers.getSetCookie()) {
        const [pair] = header.split(';');
        const at = pair.indexOf('=');
        cookies.set(pair.slice(0, at), pair.slice(at + 1));
      }
      const location = response.headers.get('location');
      if (location) {
        const target = new URL(location, next.url);
        if (target.origin !== new URL(this.issuer).origin) return target;
        next = { url: target.toString(), method: 'GET' };
        continue;
      }
      const page = await response.text();
      const form = firstForm(page, next.url);
      if (!form) throw new Error(`oidc-issuer: no redirect and no form at ${next.url} (HTTP ${response.status}): ${page.slice(0, 500)}`);
      next = { url: form.action, method: 'POST', form: { ...form.fields, login: accountId, password: 'any-password' } };
    }
    throw new Error('oidc-issuer: the sign-in did not come back to the client');
  }

  /** RFC 7009 revocation at the issuer, as the user or an admin would trigger it. */
  async revoke(refreshToken: string, client: IssuerClient): Promise<void> {
    const response = await fetch(`${this.issuer}/token/revocation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client) },
      body: new URLSearchParams({ token: refreshToken, token_type_hint: 'refresh_token' }).toString(),
    });
    if (response.status !== 200) throw new Error(`revocation answered ${response.status}`);
  }

  /** RFC 7662 introspection: is the token live at the issuer? Does not spend it. */
  async isActive(refreshToken: string, client: IssuerClient): Promise<boolean> {
    const response = await fetch(`${this.issuer}/token/introspection`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client) },
      body: new URLSearchParams({ token: refreshToken, token_type_hint: 'refresh_token' }).toString(),
    });
    return ((await response.json()) as { active?: boolean }).active === true;
  }

  /** Uses a refresh token directly at the token endpoint; returns the `error` or 'ok'. */
  async tryRefresh(refreshToken: string, client: IssuerClient): Promise<string> {
    const response = await fetch(`${this.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client) },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }).toString(),
    });
    const body = (await response.json()) as { error?: string };
    return body.error ?? 'ok';
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.on('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}

function basic(client: IssuerClient): string {
  const encode = (value: string) => encodeURIComponent(value);
  return `Basic ${Buffer.from(`${encode(client.client_id)}:${encode(client.client_secret)}`).toString('base64')}`;
}

// The dev interaction pages are plain HTML forms: take the first one's action and hidden fields.
function firstForm(html: string, base: string): { action: string; fields: Record<string, string> } | undefined {
  const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) return undefined;
  const fields: Record<string, string> = {};
  for (const input of form[2].matchAll(/<input([^>]*)>/gi)) {
    const name = /name="([^"]*)"/.exec(input[1])?.[1];
    const value = /value="([^"]*)"/.exec(input[1])?.[1] ?? '';
    if (name && /type="hidden"/.test(input[1])) fields[name] = value;
  }
  return { action: new URL(form[1].replace(/&amp;/g, '&'), base).toString(), fields };
}
