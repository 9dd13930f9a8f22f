import { SetMetadata } from '@nestjs/common';

export const API_SCOPES = ['read', 'check', 'connect', 'register', 'admin'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export const REQUIRED_SCOPE = 'token-health:required-scope';

/** The scope a caller's credential must carry for this route or resolver. */
export const RequireScope = (scope: ApiScope) => SetMetadata(REQUIRED_SCOPE, scope);
