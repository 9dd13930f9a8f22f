import { TokenStatus } from './token-status';

/** Which connections a fleet page lists. Every field optional; all given ones must match. */
export interface FleetFilter {
  statuses?: TokenStatus[];
  provider?: string;
  /** clientId substring; a prefix when the server lacks pg_trgm or the term has no trigram (fleet-search.ts). */
  search?: string;
}

/** Position in the fleet order: worst status first, then most recently checked, then id (all descending). */
export interface FleetPosition {
  /** `severityRank` of the status: 3 invalid, 2 refresh_failed, 1 expiring, 0 healthy. */
  rank: number;
  /** Last check in microseconds since the epoch, as a decimal string (0 = never checked). */
  checkedMicros: string;
  id: string;
}
