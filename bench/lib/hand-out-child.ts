// One "replica" for the single-flight bench: the real AppModule in its own process (no
// HTTP listener), which on a message fires N concurrent getAccessToken calls at once.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../../src/app.module';
import { parseAppConfig } from '../../src/config/parse-app-config';
import { OAuthTokenService } from '../../src/oauth/oauth-token.service';

export interface HandOutRequest {
  clientId: string;
  calls: number;
}

export interface HandOutAnswer {
  ready?: true;
  tokens?: string[];
  errors?: number;
  error?: string;
}

const send = (message: HandOutAnswer) => process.send!(message);

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule.forRoot(parseAppConfig(process.env), { emitSchema: false }), { logger: ['error'] });
  await app.init();
  const tokens = app.get(OAuthTokenService, { strict: false });
  process.on('message', (message: HandOutRequest) => {
    void Promise.allSettled(Array.from({ length: message.calls }, () => tokens.getAccessToken(message.clientId, 'zoho'))).then((settled) =>
      send({
        tokens: settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value.slice(0, 12)] : [])),
        errors: settled.filter((s) => s.status === 'rejected').length,
      }),
    );
  });
  send({ ready: true });
}

main().catch((error: unknown) => send({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
