import { WRITES_IN_FLIGHT } from '../oauth/refresh-result.writer';
import { CLAIMS_IN_FLIGHT } from './check-cycle.runner';

/**
 * Database connections one process's checker holds at most at once, whatever
 * TOKEN_HEALTH_CONCURRENCY is: no connection is held across a provider call,
 * so only claims, result writes and the set-wise sweep beside them are in flight.
 */
export const CHECKER_CONNECTIONS = CLAIMS_IN_FLIGHT + WRITES_IN_FLIGHT + 1;

/** /health's database probe: concurrent probes share one ping, so one connection. */
const HEALTH_PROBE_CONNECTIONS = 1;

/** The reserved pool (ReservedPool): the checker and the probe, which API load must not starve. */
export const RESERVED_CONNECTIONS = CHECKER_CONNECTIONS + HEALTH_PROBE_CONNECTIONS;

/** The serving pool by default: API requests and hand-outs, /metrics, the alert outbox, housekeeping. */
export const SERVING_CONNECTIONS = 5;
