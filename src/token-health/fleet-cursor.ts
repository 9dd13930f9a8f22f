import { TokenHealthError } from '../common/token-health.error';
import { FleetPosition } from '../oauth/fleet-query';

const VERSION = 'f1';
const MICROS = /^\d{1,18}$/;
// A last check lies between the epoch (never checked) and the end of year 9999, the last PostgreSQL stores as a date here.
const LATEST_MICROS = BigInt(Date.UTC(10000, 0, 1)) * 1000n - 1n;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Opaque page cursors: a position in the fleet order, base64url-wrapped. */
export const FleetCursor = {
  encode(position: FleetPosition): string {
    return Buffer.from(`${VERSION}:${position.rank}:${position.checkedMicros}:${position.id}`).toString('base64url');
  },

  /** Throws BAD_USER_INPUT (naming `field`) for anything this codec did not produce. */
  decode(cursor: string, field = 'after'): FleetPosition {
    const invalid = () => TokenHealthError.invalidInput(field, `${field} is not a cursor returned by this API`);
    if (cursor.length > 200 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
    const parts = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
    if (parts.length !== 4) throw invalid();
    const [version, rank, checkedMicros, id] = parts;
    if (version !== VERSION || !/^[0-3]$/.test(rank) || !MICROS.test(checkedMicros) || !UUID.test(id)) throw invalid();
    if (BigInt(checkedMicros) > LATEST_MICROS) throw invalid();
    return { rank: Number(rank), checkedMicros, id };
  },
};
