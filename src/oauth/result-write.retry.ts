import { RefreshResult } from './oauth-token-lease.repository';

/** Tries for a write with no rotated refresh token, or one the database refuses for good. */
const LIMITED_ATTEMPTS = 3;
/** Tries left to a rotated write once the process is stopping (the pool closes after them). */
const ATTEMPTS_WHEN_STOPPING = 2;
const FIRST_PAUSE_MS = 250;
const LONGEST_PAUSE_MS = 5_000;

// Connection, pool and server-availability faults pass; data, constraint and syntax errors do not.
// 08 connection, 40 serialization/deadlock, 53 resources, 55 lock not available, 57 operator intervention (statement timeout, shutdown), 58 system.
const TRANSIENT_SQLSTATE_CLASSES = new Set(['08', '40', '53', '55', '57', '58']);

export type WriteOutcome<T> = { stored: true; value: T } | { stored: false; error: Error; attempts: number };

/** The results of a batch whose provider answer carries a new refresh token (the old one may be spent). */
export function rotatedResults(results: RefreshResult[]): RefreshResult[] {
  return results.filter((result) => result.tokenSet?.refreshToken !== undefined);
}

/**
 * How a write of provider answers is retried. A rotating provider has spent the old refresh token
 * once it answers, so a write carrying a rotated one is retried (with backoff) until it is stored,
 * as long as the fault is transient and the process is not stopping; any other write a few times.
 */
export async function writeWithRetry<T>(
  write: () => Promise<T>,
  carriesRotation: boolean,
  stopping: () => boolean,
  pause: (ms: number) => Promise<void> = sleep,
): Promise<WriteOutcome<T>> {
  let stoppingSince: number | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      return { stored: true, value: await write() };
    } catch (error) {
      if (stoppingSince === undefined && stopping()) stoppingSince = attempt;
      const keepTrying =
        carriesRotation && isTransient(error)
          ? stoppingSince === undefined || attempt - stoppingSince < ATTEMPTS_WHEN_STOPPING
          : attempt < LIMITED_ATTEMPTS;
      if (!keepTrying) return { stored: false, error: error instanceof Error ? error : new Error(String(error)), attempts: attempt };
      await pause(Math.min(LONGEST_PAUSE_MS, FIRST_PAUSE_MS * 2 ** (attempt - 1)));
    }
  }
}

/** A fault that may pass by itself: no SQLSTATE (pool timeout, refused or broken connection) or a transient class. */
export function isTransient(error: unknown): boolean {
  const state = sqlState(error);
  return state === undefined || TRANSIENT_SQLSTATE_CLASSES.has(state.slice(0, 2));
}

// Only an error the server sent has a severity: a socket's code (EPIPE, ECONNRESET) is no SQLSTATE.
function sqlState(error: unknown): string | undefined {
  const fault = ((error as { driverError?: unknown } | null)?.driverError ?? error) as { code?: unknown; severity?: unknown } | null;
  return typeof fault?.code === 'string' && typeof fault.severity === 'string' ? fault.code : undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
