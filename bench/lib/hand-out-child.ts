'use strict';
// One "replica" for the single-flight bench: the real AppModule in its own process (no
// HTTP listener), which on a message fires N concurrent getAccessToken calls at once.
require('reflect-metadata');
const { NestFactory } = require('@nestjs/core');
const { dist } = require('./paths');

const { AppModule } = require(dist('src/app.module'));
const { parseAppConfig } = require(dist('src/config/parse-app-config'));
const { OAuthTokenService } = require(dist('src/oauth/oauth-token.service'));

async function main() {
  const app = await NestFactory.create(AppModule.forRoot(parseAppConfig(process.env), { emitSchema: false }), { logger: ['error'] });
  await app.init();
  const tokens = app.get(OAuthTokenService, { strict: false });
  process.on('message', async ({ clientId, calls }) => {
    const settled = await Promise.allSettled(Array.from({ length: calls }, () => tokens.getAccessToken(clientId, 'zoho')));
    process.send({
      tokens: settled.filter((s) => s.status === 'fulfilled').map((s) => s.value.slice(0, 12)),
      errors: settled.filter((s) => s.status === 'rejected').length,
    });
  });
  process.send({ ready: true });
}

main().catch((error) => process.send({ error: error.stack ?? String(error) }));
