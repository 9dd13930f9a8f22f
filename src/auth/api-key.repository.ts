import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InjectTokenHealthDataSource } from '../database/token-health-data-source-token';
import { ApiKey } from './api-key';
import { HashedSecret } from './api-key-secret';
import { ApiScope } from './api-scope';

const SHOWN_COLUMNS = 'id, name, scopes, created_at, last_used_at, expires_at';
// last_used_at is stamped at most this often per key, so a busy key costs one write a minute, not one per request.
const USE_STAMP_INTERVAL = '1 minute';

interface ApiKeyRow {
  id: string;
  name: string;
  scopes: ApiScope[];
  created_at: Date;
  last_used_at: Date | null;
  expires_at: Date | null;
}

/** A stored key as the credential check needs it, judged by the database's clock. */
export interface StoredApiKey extends HashedSecret {
  apiKey: ApiKey;
  expired: boolean;
  /** Its last use was stamped more than a minute ago (or never). */
  useDue: boolean;
}

@Injectable()
export class ApiKeyRepository {
  constructor(@InjectTokenHealthDataSource() private readonly dataSource: DataSource) {}

  async insert(key: { id: string; name: string; scopes: ApiScope[]; expiresAt: Date | null } & HashedSecret): Promise<ApiKey> {
    const rows: ApiKeyRow[] = await this.dataSource.query(
      `INSERT INTO api_keys (id, name, scopes, secret_salt, secret_hash, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${SHOWN_COLUMNS}`,
      [key.id, key.name, key.scopes, key.salt, key.hash, key.expiresAt],
    );
    return toApiKey(rows[0]);
  }

  async list(): Promise<ApiKey[]> {
    const rows: ApiKeyRow[] = await this.dataSource.query(`SELECT ${SHOWN_COLUMNS} FROM api_keys ORDER BY created_at DESC, id`);
    return rows.map(toApiKey);
  }

  async find(id: string): Promise<StoredApiKey | undefined> {
    const rows: (ApiKeyRow & { secret_salt: Buffer; secret_hash: Buffer; expired: boolean; use_due: boolean })[] = await this.dataSource.query(
      `SELECT ${SHOWN_COLUMNS}, secret_salt, secret_hash,
              expires_at IS NOT NULL AND expires_at <= now() AS expired,
              last_used_at IS NULL OR last_used_at <= now() - interval '${USE_STAMP_INTERVAL}' AS use_due
         FROM api_keys WHERE id = $1`,
      [id],
    );
    const row = rows[0];
    return row && { apiKey: toApiKey(row), salt: row.secret_salt, hash: row.secret_hash, expired: row.expired, useDue: row.use_due };
  }

  /** Stamps the key's use unless another request (on any replica) did within the minute; true when this one did. */
  async touch(id: string): Promise<boolean> {
    const [rows]: [unknown[], number] = await this.dataSource.query(
      `UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at <= now() - interval '${USE_STAMP_INTERVAL}') RETURNING id`,
      [id],
    );
    return rows.length > 0;
  }

  /** True when a key was deleted. */
  async delete(id: string): Promise<boolean> {
    const [rows]: [unknown[], number] = await this.dataSource.query('DELETE FROM api_keys WHERE id = $1 RETURNING id', [id]);
    return rows.length > 0;
  }
}

function toApiKey(row: ApiKeyRow): ApiKey {
  return { id: row.id, name: row.name, scopes: row.scopes, createdAt: row.created_at, lastUsedAt: row.last_used_at, expiresAt: row.expires_at };
}
