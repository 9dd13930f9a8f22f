import { TokenHealthReport } from '../token-health/token-health-report';
import { ConnectionReportDto } from './dto/connection-report.dto';

/** Exactly the documented fields of a report, so nothing else a row may carry reaches an answer. */
export function connectionReportOf(report: TokenHealthReport): ConnectionReportDto {
  return {
    clientId: report.clientId,
    provider: report.provider,
    status: report.status,
    lastRefresh: report.lastRefresh ?? null,
    lastHealthCheck: report.lastHealthCheck ?? null,
    accessTokenExpiresAt: report.accessTokenExpiresAt ?? null,
    error: report.error ?? null,
  };
}
