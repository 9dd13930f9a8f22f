import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { StoredToken } from './stored-token';
import { SealedColumn, TokenCipher } from './token-cipher';
import { OAuthTokenError } from './oauth-token.errors';
import { InjectTokenHealthDataSource } from '../database/token-health-data-source-token';

type Row = { client_id: string; provider: string; access_token: string | null; refresh_token: string | null };

/** Position of the background pass: rows are walked in (client_id, provider) order, the table's unique key. */
export interface ReencryptionCursor {
  clientId: string;
  provider: string;
}

export interface ReencryptionBatch {
  /** Rows looked at; fewer than the limit means the pass reached the end of the table. */
  scanned: number;
  reencrypted: number;
  /** Rows that cannot be decrypted, so cannot be re-encrypted either (the checker reports them). */
  unreadable: number;
  /** Cursor for the next batch. */
  after: ReencryptionCursor | null;
}

/**
 * Moves stored values onto the current key and format (v2, bound to their row):
 * for one row while it is being written anyway, and in batches for the
 * background pass. Every write is compare-and-swap on the ciphertext that was
 * read, so a concurrent writer's newer value is never overwritten.
 */
@Injectable()
export class TokenReencryptionRepository {
  constructor(
    @InjectTokenHealthDataSource() private readonly dataSource: DataSource,
    private readonly cipher: TokenCipher,
  ) {}

  /** Re-encrypts the values of a token read (and locked) in `manager`'s transaction that are not current. */
  async reencryptStale(manager: EntityManager, token: StoredToken): Promise<void> {
    if (token.unreadable) return;
    const replacements = this.replacements({
      client_id: token.clientId,
      provider: token.provider,
      access_token: token.sealed.accessToken,
      refresh_token: token.sealed.refreshToken,
    });
    if (replacements) await this.write(manager, [replacements]);
  }

  /** One batch of the background pass: rows after `after` holding a value not under the current key and format. */
  async reencryptBatch(after: ReencryptionCursor | null, limit: number): Promise<ReencryptionBatch> {
    return this.dataSource.transaction(async (manager) => {
      const current = `${escapeLike(this.cipher.currentPrefix)}%`;
      const rows: Row[] = await manager.query(
        `SELECT client_id, provider, access_token, refresh_token FROM oauth_tokens
          WHERE ($1::boolean OR (client_id, provider) > ($2::varchar, $3::varchar))
            AND ((access_token IS NOT NULL AND access_token NOT LIKE $4) OR (refresh_token IS NOT NULL AND refresh_token NOT LIKE $4))
          ORDER BY client_id, provider
          LIMIT $5
          FOR UPDATE SKIP LOCKED`,
        [after === null, after?.clientId ?? '', after?.provider ?? '', current, limit],
      );
      const replacements = rows.map((row) => this.replacements(row));
      const writable = replacements.filter((replacement): replacement is Replacement => replacement !== undefined && replacement !== null);
      await this.write(manager, writable);
      return {
        scanned: rows.length,
        reencrypted: writable.length,
        unreadable: replacements.filter((replacement) => replacement === undefined).length,
        after: rows.length > 0 ? { clientId: rows.at(-1)!.client_id, provider: rows.at(-1)!.provider } : after,
      };
    });
  }

  /** New ciphertexts for a row's stale values; null when nothing is stale, undefined when a value is unreadable. */
  private replacements(row: Row): Replacement | null | undefined {
    const replacement: Replacement = { clientId: row.client_id, provider: row.provider, access: null, refresh: null };
    const columns: [SealedColumn, string | null, 'access' | 'refresh'][] = [
      ['access_token', row.access_token, 'access'],
      ['refresh_token', row.refresh_token, 'refresh'],
    ];
    for (const [column, stored, key] of columns) {
      if (stored === null || this.cipher.isCurrent(stored)) continue;
      const context = { clientId: row.client_id, provider: row.provider, column };
      try {
        replacement[key] = { from: stored, to: this.cipher.encrypt(this.cipher.decrypt(stored, context), context) };
      } catch (error) {
        if (OAuthTokenError.isUnreadable(error)) return undefined;
        throw error;
      }
    }
    return replacement.access || replacement.refresh ? replacement : null;
  }

  private async write(manager: EntityManager, replacements: Replacement[]): Promise<void> {
    if (replacements.length === 0) return;
    await manager.query(
      `UPDATE oauth_tokens t SET
         access_token = CASE WHEN r.access_from IS NOT NULL AND t.access_token = r.access_from THEN r.access_to ELSE t.access_token END,
         refresh_token = CASE WHEN r.refresh_from IS NOT NULL AND t.refresh_token = r.refresh_from THEN r.refresh_to ELSE t.refresh_token END
       FROM unnest($1::varchar[], $2::varchar[], $3::text[], $4::text[], $5::text[], $6::text[])
              AS r(client_id, provider, access_from, access_to, refresh_from, refresh_to)
       WHERE t.client_id = r.client_id AND t.provider = r.provider`,
      [
        replacements.map((r) => r.clientId),
        replacements.map((r) => r.provider),
        replacements.map((r) => r.access?.from ?? null),
        replacements.map((r) => r.access?.to ?? null),
        replacements.map((r) => r.refresh?.from ?? null),
        replacements.map((r) => r.refresh?.to ?? null),
      ],
    );
  }
}

interface Replacement {
  clientId: string;
  provider: string;
  access: { from: string; to: string } | null;
  refresh: { from: string; to: string } | null;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
