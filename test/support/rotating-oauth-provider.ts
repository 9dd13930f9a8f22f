// An RFC 6749 token endpoint on 127.0.0.1 that rotates the refresh token on every
// refresh, in one of the two ways real providers do:
//   'strict' – the old token is spent the moment a new one is issued (OAuth 2.1 style,
//              oidc-provider with rotateRefreshToken); presenting a spent one is
//              invalid_grant and revokes the whole grant (reuse detection).
//   'grace'  – the old token keeps working until the new one is first used (providers
//              with a reuse interval, or that never invalidate old refresh tokens).
// Every issued token and every reuse is recorded, so a spec can tell whether a
// rotation was lost. `beforeAnswer` lets a spec act between deciding and answering.
import { once } from 'node:events';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { secretScan } from './secret-scan';

export type RotationMode = 'strict' | 'grace';

interface Grant {
  id: string;
  /** Tokens issued for this grant, oldest first; the last one is current. */
  issued: string[];
  /** Index into `issued` of the oldest token still accepted. */
  oldestValid: number;
  revoked: boolean;
}

export class RotatingOAuthProvider {
  readonly reuses: string[] = [];
  refreshes = 0;
  /** When set, answers carry `refresh_token_expires_in` (seconds) for the rotated token. */
  refreshTokenLifetimeSeconds: number | undefined;
  /** Runs after the answer is decided and before it is written (the new token is already issued). */
  beforeAnswer: (grantId: string, issued: string) => Promise<void> | void = () => undefined;
  private readonly grants = new Map<string, Grant>();
  private readonly byToken = new Map<string, { grant: Grant; index: number }>();
  private counter = 0;

  private constructor(
    private readonly server: Server,
    readonly mode: RotationMode,
  ) {}

  static async start(mode: RotationMode): Promise<RotatingOAuthProvider> {
    const fake: RotatingOAuthProvider = new RotatingOAuthProvider(
      createServer((req, res) => void fake.handle(req, res)),
      mode,
    );
    fake.server.listen(0, '127.0.0.1');
    await once(fake.server, 'listening');
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The app settings of a custom provider `name` whose endpoints are this fake (list `name` in OAUTH_PROVIDERS too). */
  providerEnv(name: string): Record<string, string> {
    const prefix = name.toUpperCase();
    return {
      [`${prefix}_TOKEN_URL`]: `${this.url}/token`,
      [`${prefix}_AUTHORIZE_URL`]: `${this.url}/authorize`,
      [`${prefix}_CLIENT_ID`]: `${name}-client`,
      [`${prefix}_CLIENT_SECRET`]: `${name}-secret-never-shown`,
    };
  }

  /** Opens a grant as a connect flow would and returns its first refresh token. */
  grant(id: string): string {
    const grant: Grant = { id, issued: [], oldestValid: 0, revoked: false };
    this.grants.set(id, grant);
    return this.issue(grant);
  }

  /** The refresh token a client must hold now for the grant to keep working. */
  current(id: string): string {
    const grant = this.grants.get(id)!;
    return grant.issued[grant.issued.length - 1];
  }

  /** Whether the provider would still accept this refresh token. */
  accepts(token: string): boolean {
    const found = this.byToken.get(token);
    return Boolean(found && !found.grant.revoked && found.index >= found.grant.oldestValid);
  }

  issuedCount(id: string): number {
    return this.grants.get(id)!.issued.length;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private issue(grant: Grant): string {
    const token = secretScan.secret(`rt-${grant.id}-${++this.counter}-${Math.random().toString(36).slice(2, 10)}`, 'rotated refresh token');
    secretScan.secret(`at-${token}`, 'issued access token');
    this.byToken.set(token, { grant, index: grant.issued.length });
    grant.issued.push(token);
    // Whatever the provider hands out is a secret from then on, wherever the app carries it.
    secretScan.secret(token, 'issued refresh_token');
    secretScan.secret(`at-${token}`, 'issued access_token');
    return token;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const reply = (status: number, body: object): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (form.get('grant_type') !== 'refresh_token') return reply(400, { error: 'unsupported_grant_type' });
    this.refreshes += 1;
    const presented = form.get('refresh_token') ?? '';
    const found = this.byToken.get(presented);
    if (!found || found.grant.revoked) return reply(400, { error: 'invalid_grant', error_description: 'unknown or revoked refresh token' });
    const { grant, index } = found;
    if (index < grant.oldestValid) {
      this.reuses.push(presented);
      // Reuse of a spent token: assume theft and end the grant (OAuth 2.0 Security BCP §4.14).
      grant.revoked = true;
      return reply(400, { error: 'invalid_grant', error_description: 'refresh token reused' });
    }
    // strict: everything before the new token is spent now; grace: the presented one is
    // now in use, so only tokens older than it are spent.
    const issued = this.issue(grant);
    grant.oldestValid = this.mode === 'strict' ? grant.issued.length - 1 : index;
    await this.beforeAnswer(grant.id, issued);
    const lifetime = this.refreshTokenLifetimeSeconds === undefined ? {} : { refresh_token_expires_in: this.refreshTokenLifetimeSeconds };
    reply(200, { access_token: `at-${issued}`, token_type: 'Bearer', expires_in: 3600, refresh_token: issued, ...lifetime });
  }
}
