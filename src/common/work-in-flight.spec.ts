import { WorkInFlight } from './work-in-flight';

describe(WorkInFlight.name, () => {
  const deferred = () => {
    let resolve!: () => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
    return { promise, resolve, reject };
  };

  it('counts work until it settles, resolved or rejected', async () => {
    const sut = new WorkInFlight();
    const ok = deferred();
    const failing = deferred();
    void sut.track(ok.promise);
    sut.track(failing.promise).catch(() => undefined);
    expect(sut.size).toBe(2);

    ok.resolve();
    failing.reject(new Error('provider down'));
    await sut.settled();

    expect(sut.size).toBe(0);
  });

  it('waits in settled() for work still running', async () => {
    const sut = new WorkInFlight();
    const work = deferred();
    void sut.track(work.promise);
    let settled = false;
    const waiting = sut.settled().then(() => (settled = true));

    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    work.resolve();
    await waiting;
    expect(settled).toBe(true);
  });

  it('hands back the work itself', async () => {
    const sut = new WorkInFlight();
    await expect(sut.track(Promise.resolve('token'))).resolves.toBe('token');
  });
});
