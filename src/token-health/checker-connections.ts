import { WRITES_IN_FLIGHT } from '../oauth/refresh-result.writer';
import { CLAIMS_IN_FLIGHT } from './check-cycle.runner';

/**
 * Database connections one process's checker holds at most at once, whatever
 * TOKEN_HEALTH_CONCURRENCY is: no connection is held across a provider call,
 * so only claims and result writes are in flight during the refreshes, and the
 * sweep and the alert scan run after them on one connection.
 */
export const CHECKER_CONNECTIONS = CLAIMS_IN_FLIGHT + WRITES_IN_FLIGHT;

/** For everything else at the same time: API requests and hand-outs, /health, /metrics, the alert outbox, housekeeping. */
export const SERVING_CONNECTIONS = 5;
