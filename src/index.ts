// The package's public entry (`import … from 'token-health'`): what a host NestJS app uses.
// Nothing reachable from here may import server-only code (main.ts, env schema, embedded database).
import { MIGRATIONS } from '../migrations';
import { OAUTH_ENTITIES } from './oauth/oauth.entities';

export { TokenHealthModule } from './token-health/token-health.module';
export type { TokenHealthModuleOptions } from './config/token-health-module-options';
export type { TokenHealthModuleExtras } from './token-health/token-health.options';
export { TokenHealthService } from './token-health/token-health.service';
export { TokenHealthIndicator } from './token-health/token-health.indicator';
export { TokenCountsCache } from './token-health/token-counts.cache';
export type { TokenCountsSnapshot } from './token-health/token-counts.cache';
export { GraphqlAuthMiddleware } from './auth/graphql-auth.middleware';
export { graphqlLimits, GRAPHQL_COST_LIMITS } from './common/graphql-limits';
export type { GraphqlCostLimits } from './common/graphql-limits';
export { API_SCOPES, REQUIRED_SCOPE, RequireScope } from './auth/api-scope';
export type { ApiScope } from './auth/api-scope';
export { ApiScopeGuard } from './auth/api-scope.guard';
export type { RestApiOptions } from './api/rest-api.feature';
export { RestApiDocument } from './api/rest-api-document';
export type { TokenHealthReport } from './token-health/token-health-report';
export { OAuthTokenService } from './oauth/oauth-token.service';
export { OAuthTokenError, OAuthTokenErrorCode, TokenNotFoundError, TokenUnreadableError, TokenUnusableError } from './oauth/oauth-token.errors';
export { OAuthToken } from './oauth/oauth-token.entity';
export { TokenStatus } from './oauth/token-status';
export { AlertingService } from './alerting/alerting.service';
export { AlertSeverity } from './alerting/alert';
export type { Alert } from './alerting/alert';
export { ConfigError, ConfigErrorCode } from './config/config.error';
export { MetricsService } from './metrics/metrics.service';

/** Entity classes for the host's TypeORM `entities` list (only needed to query them from host code). */
export const TOKEN_HEALTH_ENTITIES = [...OAUTH_ENTITIES];
/** Migration classes for the host's TypeORM `migrations` list; they upgrade an existing `oauth_tokens` in place. */
export const TOKEN_HEALTH_MIGRATIONS = [...MIGRATIONS];
