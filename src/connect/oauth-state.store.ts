import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ConnectFlowError, ConnectFlowErrorCode } from './connect-flow.error';
import { SignedTokenCodec } from './signed-token';
import { InjectTokenHealthDataSource } from '../database/token-health-data-source-token';

/** At most this many connect starts (states issued) per connection within the window below. */
export const STATE_RATE_LIMIT = 10;
const STATE_RATE_WINDOW_MINUTES = 10;

export interface ConnectTarget {
  clientId: string;
  provider: string;
}

/** A target with the signing time of the connect link it came from (0 for links that carry none). */
export interface LinkedConnectTarget extends ConnectTarget {
  linkIssuedAt: number;
}

/**
 * OAuth `state` values: signed (so nobody can mint one) and single-use (a nonce
 * row in `oauth_connect_states`, consumed atomically), so a state captured from
 * a browser history or a log cannot be replayed.
 */
@Injectable()
export class OAuthStateStore {
  constructor(
    @InjectTokenHealthDataSource() private readonly dataSource: DataSource,
    private readonly codec: SignedTokenCodec,
    private readonly config: AppConfig,
  ) {}

  /** Throws TooManyAttempts when the connection was started too often recently: each start stores a row. */
  async issue(target: LinkedConnectTarget, now = new Date()): Promise<string> {
    const nonce = randomBytes(24).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.config.connect.stateTtlMinutes * 60_000);
    // The count and the insert are one statement; concurrent starts may overshoot the limit by a few, never by many.
    const inserted: unknown[] = await this.dataSource.query(
      `INSERT INTO oauth_connect_states (nonce, client_id, provider, expires_at)
       SELECT $1::varchar, $2::varchar, $3::varchar, $4::timestamptz
        WHERE (SELECT count(*) FROM oauth_connect_states
                WHERE client_id = $2::varchar AND provider = $3::varchar AND created_at > now() - $5::float8 * interval '1 minute') < $6
       RETURNING nonce`,
      [nonce, target.clientId, target.provider, expiresAt, STATE_RATE_WINDOW_MINUTES, STATE_RATE_LIMIT],
    );
    if (inserted.length === 0) {
      throw new ConnectFlowError(
        ConnectFlowErrorCode.TooManyAttempts,
        'This connection was started too many times in the last few minutes. Please wait ten minutes and open the link again.',
      );
    }
    return this.codec.sign('oauth-state', { ...target, nonce }, expiresAt);
  }

  /** Deletes up to `limit` states past their expiry (they can no longer be consumed); returns how many. */
  async deleteExpired(limit: number): Promise<number> {
    const [, deleted]: [unknown, number] = await this.dataSource.query(
      `DELETE FROM oauth_connect_states
        WHERE nonce IN (SELECT nonce FROM oauth_connect_states WHERE expires_at < now() LIMIT $1)`,
      [limit],
    );
    return deleted;
  }

  /** Verifies the state for `provider` and burns its nonce; throws InvalidState when it is bad, expired or used. */
  async consume(provider: string, state: string | undefined): Promise<LinkedConnectTarget> {
    let claims;
    try {
      claims = this.codec.verify('oauth-state', state ?? '');
    } catch (error) {
      if (!(error instanceof ConnectFlowError) || !error.signedTokenFailure) throw error;
      throw invalidState(error.signedTokenFailure === 'expired' ? 'This sign-in attempt has expired.' : 'This sign-in attempt is not valid.');
    }
    if (!claims.nonce || claims.provider !== provider) throw invalidState('This sign-in attempt is not valid.');

    // One statement decides: of two concurrent callbacks with the same state, exactly one gets the row.
    // (TypeORM answers an UPDATE with [rows, rowCount].)
    const [rows]: [{ client_id: string; provider: string }[], number] = await this.dataSource.query(
      `UPDATE oauth_connect_states SET consumed_at = now()
        WHERE nonce = $1 AND consumed_at IS NULL AND expires_at > now()
        RETURNING client_id, provider`,
      [claims.nonce],
    );
    const row = rows[0];
    if (!row || row.client_id !== claims.clientId || row.provider !== claims.provider) {
      throw invalidState('This sign-in attempt has already been used or has expired.');
    }
    return { clientId: row.client_id, provider: row.provider, linkIssuedAt: claims.linkIssuedAt ?? 0 };
  }
}

function invalidState(message: string): ConnectFlowError {
  return new ConnectFlowError(ConnectFlowErrorCode.InvalidState, `${message} Please open the connect link again.`);
}
