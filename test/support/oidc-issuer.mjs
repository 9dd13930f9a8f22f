// A real OpenID Provider (the certified `oidc-provider` package, not our code) on
// 127.0.0.1, run as a child process because the package is ESM-only and jest's
// module system is CommonJS. Options come as JSON in OIDC_ISSUER_OPTIONS:
//   { clients: [{ client_id, client_secret, redirect_uris, refreshTokenTtlSeconds }] }
// Prints one line, `READY <issuer>`, once it listens. Dev interactions (the package's
// own login and consent pages) stand in for a user signing in.
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const options = JSON.parse(process.env.OIDC_ISSUER_OPTIONS ?? '{}');
const refreshTtl = new Map(options.clients.map((client) => [client.client_id, client.refreshTokenTtlSeconds ?? 14 * 86_400]));

const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: options.clients.map(({ client_id, client_secret, redirect_uris }) => ({
      client_id,
      client_secret,
      redirect_uris,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    features: { devInteractions: { enabled: true }, revocation: { enabled: true }, introspection: { enabled: true } },
    // Every refresh hands out a new refresh token and consumes the old one; reuse revokes the grant.
    rotateRefreshToken: true,
    ttl: {
      AccessToken: 3600,
      RefreshToken: (_ctx, _token, client) => refreshTtl.get(client.clientId),
      Grant: 14 * 86_400,
      Session: 86_400,
      Interaction: 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
    },
    cookies: { keys: ['oidc-issuer-test-cookie-key'] },
  });
  provider.on('grant.success', (ctx) => console.log(`GRANT ${ctx.oidc.params.grant_type}`));
  provider.on('grant.error', (ctx, error) => console.log(`GRANT_ERROR ${ctx.oidc.params?.grant_type} ${error.error}`));
  server.on('request', provider.callback());
  console.log(`READY ${issuer}`);
});
