import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { namedSql } from '../database/named-sql';
import { UNREADABLE_TOKEN_ERROR } from './token-status.policy';
import { CheckScope } from './stored-token';
import { TokenCipher } from './token-cipher';
import { TokenStatus } from './token-status';
import { IN_SCOPE_NOT_CHECKED } from './token-due.sql';
import { ReservedPool } from '../database/reserved-pool';

// Ciphertext (v1 or v2) under a key this process holds. A value that passes may still fail to
// decrypt (moved from another row or column); that is found when it is decrypted.
const readable = (column: string) =>
  `(${column} IS NULL OR (${column} ~ '^v[12]:[0-9a-f]{8}:[^:]*:[^:]*:[^:]*$' AND split_part(${column}, ':', 2) = ANY(:keyIds::text[])))`;

/** How many stored rows were written under one key id (of their refresh token, or access token when there is none). */
export interface KeyIdCount {
  keyId: string;
  rows: number;
}

/**
 * Finds, set-wise, stored tokens this service cannot decrypt at all (legacy plaintext,
 * a removed key), so a token that needs no refresh is not called healthy without ever
 * being read.
 */
@Injectable()
export class TokenReadabilityRepository {
  private readonly dataSource: DataSource;

  // The reserved pool: the first statement of every cycle.
  constructor(
    reserved: ReservedPool,
    private readonly cipher: TokenCipher,
  ) {
    this.dataSource = reserved.dataSource;
  }

  /** Rows per key id of their ciphertext; plaintext (legacy) rows are not counted. */
  async countRowsByKeyId(): Promise<KeyIdCount[]> {
    const rows = await this.dataSource.query<{ key_id: string; rows: number }[]>(
      `SELECT split_part(COALESCE(refresh_token, access_token), ':', 2) AS key_id, count(*)::int AS rows
         FROM oauth_tokens
        WHERE COALESCE(refresh_token, access_token) ~ '^v[12]:[0-9a-f]{8}:'
        GROUP BY 1
        ORDER BY 2 DESC, 1`,
    );
    return rows.map((row) => ({ keyId: row.key_id, rows: row.rows }));
  }

  /** Marks such tokens in scope, not yet checked in this cycle, `refresh_failed`; returns the provider of each. */
  async markUnreadable(cycleStart: Date, scope: CheckScope): Promise<string[]> {
    const [sql, params] = namedSql(
      `UPDATE oauth_tokens SET token_status = :status, health_check_error = :error, last_health_check = now(),
         health_check_lease_until = NULL
       WHERE id IN (SELECT id FROM oauth_tokens
                     WHERE ${IN_SCOPE_NOT_CHECKED}
                       AND NOT (${readable('access_token')} AND ${readable('refresh_token')})
                     FOR UPDATE SKIP LOCKED)
       RETURNING provider`,
      {
        status: TokenStatus.RefreshFailed,
        error: UNREADABLE_TOKEN_ERROR,
        cycleStart,
        clientId: scope.clientId ?? null,
        keyIds: this.cipher.keyIds,
      },
    );
    const [rows] = await this.dataSource.query<[{ provider: string }[], number]>(sql, params);
    return rows.map((row) => row.provider);
  }
}
