import { Semaphore, SemaphoreFullError, SemaphoreTimeoutError } from './semaphore.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe('Semaphore', () => {
  it('should run at most `slots` at once, the others in arrival order', async () => {
    const semaphore = new Semaphore(2, 10, 1000);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = gates.map((gate, i) =>
      semaphore.run(async () => {
        started.push(i);
        await gate.promise;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect([semaphore.inUse, semaphore.queued]).toEqual([2, 2]);
    gates[1].resolve();
    await runs[1];
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    gates[0].resolve();
    gates[2].resolve();
    gates[3].resolve();
    await Promise.all(runs);
    expect(started).toEqual([0, 1, 2, 3]);
    expect([semaphore.inUse, semaphore.queued]).toEqual([0, 0]);
  });

  it('should free the slot when the work fails', async () => {
    const semaphore = new Semaphore(1, 1, 1000);
    await expect(semaphore.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(semaphore.run(() => Promise.resolve(7))).resolves.toBe(7);
    expect(semaphore.inUse).toBe(0);
  });

  it('should refuse at once beyond the queue, and after the timeout while queued', async () => {
    vi.useFakeTimers();
    try {
      const semaphore = new Semaphore(1, 1, 500);
      const gate = deferred();
      const holder = semaphore.run(() => gate.promise);
      const queued = semaphore.run(() => Promise.resolve());
      await expect(semaphore.run(() => Promise.resolve())).rejects.toBeInstanceOf(
        SemaphoreFullError,
      );
      const expectation = expect(queued).rejects.toBeInstanceOf(SemaphoreTimeoutError);
      await vi.advanceTimersByTimeAsync(500);
      await expectation;
      expect(semaphore.queued).toBe(0);
      gate.resolve();
      await holder;
      expect(semaphore.inUse).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
