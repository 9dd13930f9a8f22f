import { isTransient, writeWithRetry } from './result-write.retry';

const poolTimeout = () => new Error('timeout exceeded when trying to connect');
const serverError = (code: string) => Object.assign(new Error(`server said ${code}`), { code, severity: 'ERROR' });

/** A write that fails `failures` times with `fault`, then succeeds; counts its attempts. */
function flakyWrite(failures: number, fault: () => Error) {
  const write = Object.assign(
    () => {
      write.attempts++;
      return write.attempts <= failures ? Promise.reject(fault()) : Promise.resolve('stored');
    },
    { attempts: 0 },
  );
  return write;
}

const noPause = () => Promise.resolve();
const running = () => false;

describe(writeWithRetry.name, () => {
  it('retries a write carrying a rotated refresh token through transient faults until it is stored', async () => {
    const sut = flakyWrite(20, poolTimeout);

    await expect(writeWithRetry(sut, true, running, noPause)).resolves.toEqual({ stored: true, value: 'stored' });
    expect(sut.attempts).toBe(21);
  });

  it('gives up on a write without a rotated token after three attempts', async () => {
    const sut = flakyWrite(20, poolTimeout);

    await expect(writeWithRetry(sut, false, running, noPause)).resolves.toMatchObject({ stored: false, attempts: 3 });
  });

  it('gives up after three attempts when the database refuses the data itself, rotated or not', async () => {
    const sut = flakyWrite(20, () => serverError('22021'));

    await expect(writeWithRetry(sut, true, running, noPause)).resolves.toMatchObject({ stored: false, attempts: 3 });
  });

  it('makes two more attempts once the process is stopping, then gives up', async () => {
    const sut = flakyWrite(20, poolTimeout);
    const stopping = () => sut.attempts >= 5;

    await expect(writeWithRetry(sut, true, stopping, noPause)).resolves.toMatchObject({ stored: false, attempts: 7 });
  });

  it('backs off, doubling up to five seconds', async () => {
    const pauses: number[] = [];

    await writeWithRetry(flakyWrite(7, poolTimeout), true, running, (ms) => Promise.resolve(void pauses.push(ms)));

    expect(pauses).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000]);
  });
});

describe(isTransient.name, () => {
  it.each([
    ['a pool timeout', poolTimeout(), true],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), true],
    ['a broken pipe', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }), true],
    ['too many clients', serverError('53300'), true],
    ['a statement timeout', serverError('57014'), true],
    ['a deadlock', serverError('40P01'), true],
    ['invalid byte sequence', serverError('22021'), false],
    ['a raised exception', serverError('P0001'), false],
    ['a wrapped server error', Object.assign(new Error('query failed'), { driverError: serverError('23505') }), false],
  ])('%s → %s', (_, error, transient) => {
    expect(isTransient(error)).toBe(transient);
  });
});
