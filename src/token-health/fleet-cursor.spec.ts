import { TokenHealthError } from '../common/token-health.error';
import { FleetCursor } from './fleet-cursor';

const position = { rank: 2, checkedMicros: '1764000000123456', id: '0b6f4a52-4f3e-4c1e-9a43-5d0f2e1c9b7a' };

describe('FleetCursor', () => {
  it('decodes what it encoded', () => {
    expect(FleetCursor.decode(FleetCursor.encode(position))).toEqual(position);
  });

  it('keeps a never-checked position (zero micros)', () => {
    expect(FleetCursor.decode(FleetCursor.encode({ ...position, checkedMicros: '0' }))).toEqual({ ...position, checkedMicros: '0' });
  });

  it('keeps the last microsecond of year 9999', () => {
    const latest = { ...position, checkedMicros: '253402300799999999' };

    expect(FleetCursor.decode(FleetCursor.encode(latest))).toEqual(latest);
  });

  it.each([
    ['garbage', 'not a cursor!'],
    ['plain base64 of something else', Buffer.from('hello').toString('base64url')],
    ['an unknown version', Buffer.from(`f0:2:1:${position.id}`).toString('base64url')],
    ['a rank out of range', Buffer.from(`f1:7:1:${position.id}`).toString('base64url')],
    ['a non-numeric time', Buffer.from(`f1:2:x:${position.id}`).toString('base64url')],
    ['a time before the epoch', Buffer.from(`f1:3:-999999999999999999:${position.id}`).toString('base64url')],
    ['a time after year 9999', Buffer.from(`f1:3:999999999999999999:${position.id}`).toString('base64url')],
    ['an id that is not a uuid', Buffer.from("f1:2:1:1' OR '1'='1").toString('base64url')],
    ['an empty string', ''],
    ['an oversized string', 'A'.repeat(500)],
  ])('rejects %s as invalid input', (_name, cursor) => {
    expect(() => FleetCursor.decode(cursor)).toThrow(TokenHealthError);
    try {
      FleetCursor.decode(cursor, 'after');
    } catch (error) {
      expect((error as TokenHealthError).field).toBe('after');
    }
  });
});
