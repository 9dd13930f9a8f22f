import { Logger } from '@nestjs/common';
import { RefreshResult } from './oauth-token-lease.repository';
import { TokenStatus } from './token-status';

// SQLSTATE classes a row's own values raise (22 data exception, 23 integrity constraint),
// as opposed to the state of the database or the pool, which retrying the batch may cure.
const ROW_VALUE_ERROR_CLASSES = new Set(['22', '23']);

const logger = new Logger('RefreshResultRows');
const substitutes = new WeakSet<RefreshResult>();

/**
 * When a batched write failed on the values of some row, writes the rows one by one so that
 * row alone is affected; a row that fails alone is stored as its substitute. Undefined when the
 * failure is not about a row's values (the caller's retry policy applies).
 */
export function writeRowByRow(batch: RefreshResult[], error: unknown, write: (rows: RefreshResult[]) => Promise<void>): Promise<void> | undefined {
  const sqlState = sqlStateOf(error);
  if (sqlState === undefined || !ROW_VALUE_ERROR_CLASSES.has(sqlState.slice(0, 2)) || batch.some((row) => substitutes.has(row))) return undefined;
  if (batch.length === 1) return write([substituteFor(batch[0], sqlState)]);
  return batch.reduce((previous, row) => previous.then(() => write([row])), Promise.resolve());
}

// Keeps the tokens (a rotated refresh token is all the grant has left) and drops every other field of the answer.
function substituteFor(result: RefreshResult, sqlState: string): RefreshResult {
  logger.error(
    `Could not store the refresh result of ${result.clientId}/${result.provider} (database error ${sqlState}); storing it as refresh_failed`,
  );
  const { tokenSet } = result;
  const substitute: RefreshResult = {
    ...result,
    verdict: {
      status: TokenStatus.RefreshFailed,
      error: `Refresh failed, will retry: the provider's answer could not be stored (database error ${sqlState})`,
    },
    tokenSet: tokenSet && {
      accessToken: tokenSet.accessToken,
      accessTokenExpiresAt: null,
      ...(tokenSet.refreshToken && { refreshToken: tokenSet.refreshToken }),
    },
  };
  substitutes.add(substitute);
  return substitute;
}

// TypeORM's QueryFailedError carries the driver's fields, pg's `code` among them.
function sqlStateOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}
