import { TokenStatus } from './token-status';

/** No token set is stored for (client, provider). */
export class TokenNotFoundError extends Error {
  constructor(
    readonly clientId: string,
    readonly provider: string,
  ) {
    super(`No ${provider} connection is stored for client ${clientId}`);
    this.name = 'TokenNotFoundError';
  }
}

/** The token could not be refreshed, so no valid access token can be handed out. */
export class TokenUnusableError extends Error {
  constructor(
    readonly clientId: string,
    readonly provider: string,
    readonly status: TokenStatus,
    detail: string | null,
  ) {
    super(`The ${provider} connection of client ${clientId} is ${status}${detail ? `: ${detail}` : ''}`);
    this.name = 'TokenUnusableError';
  }
}
