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

/** The stored token cannot be decrypted (legacy plaintext, removed key, or moved from another row): only a re-register or re-connect helps. */
export class TokenUnreadableError extends Error {
  constructor(
    readonly clientId: string,
    readonly provider: string,
  ) {
    super(`The stored ${provider} token of client ${clientId} is unreadable; re-register or re-connect it`);
    this.name = 'TokenUnreadableError';
  }
}
