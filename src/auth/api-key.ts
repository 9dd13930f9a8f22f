import { ApiScope } from './api-scope';

/** What may be shown of a key: never its secret or hash. */
export interface ApiKey {
  id: string;
  name: string;
  scopes: ApiScope[];
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
}

/** A key as created: `key` is the only time the secret exists outside the caller's hands. */
export interface CreatedApiKey {
  key: string;
  apiKey: ApiKey;
}
