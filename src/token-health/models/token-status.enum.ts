import { registerEnumType } from '@nestjs/graphql';
import { TokenStatus } from '../../oauth/token-status';

// GraphQL names are the upper-case keys (HEALTHY, …); values stay the stored strings.
export const TokenStatusGql = {
  HEALTHY: TokenStatus.Healthy,
  EXPIRING: TokenStatus.Expiring,
  REFRESH_FAILED: TokenStatus.RefreshFailed,
  INVALID: TokenStatus.Invalid,
} as const;

registerEnumType(TokenStatusGql, { name: 'TokenStatus', description: 'Health of one stored OAuth connection' });
