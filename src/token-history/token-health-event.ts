import { TokenStatus } from '../oauth/token-status';
import { TokenEventSource } from './token-event-source';

/** One status transition of a connection. Never carries a secret. */
export interface TokenHealthEvent {
  at: Date;
  fromStatus: TokenStatus | null;
  toStatus: TokenStatus;
  error: string | null;
  source: TokenEventSource;
}
