import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { SignedTokenCodec } from './signed-token';

/** Builds the signed, expiring re-authorize links that alerts and the API hand out; a connect completed after signing voids one. */
@Injectable()
export class ConnectLinkService {
  constructor(
    private readonly codec: SignedTokenCodec,
    private readonly config: AppConfig,
  ) {}

  createLink(clientId: string, provider: string, now = new Date()): string {
    const expiresAt = new Date(now.getTime() + this.config.connect.linkTtlHours * 3_600_000);
    const link = this.codec.sign('connect-link', { clientId, provider, linkIssuedAt: now.getTime() }, expiresAt);
    return `${this.config.publicBaseUrl}/oauth/${encodeURIComponent(provider)}/connect?link=${encodeURIComponent(link)}`;
  }
}
