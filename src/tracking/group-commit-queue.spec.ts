import {
  type GroupCommitOptions,
  GroupCommitQueue,
  QueueFullError,
  QueueTimeoutError,
} from './group-commit-queue.js';

/** One call of a controllable commit: the test decides when and how it settles. */
interface CommitCall<T, R> {
  items: T[];
  timeoutMs: number;
  resolve: (results: R[]) => void;
  reject: (error: unknown) => void;
}

/** A commit function whose calls stay pending until the test settles them. */
function deferredCommit<T, R>() {
  const calls: CommitCall<T, R>[] = [];
  const commit = vi.fn(
    (items: T[], timeoutMs: number) =>
      new Promise<R[]>((resolve, reject) => {
        calls.push({ items: [...items], timeoutMs, resolve, reject });
      }),
  );
  return { commit, calls };
}

class DeadlockError extends Error {}
class BadItemError extends Error {}

function options(overrides: Partial<GroupCommitOptions> = {}): GroupCommitOptions {
  return {
    maxBatchSize: 100,
    maxConcurrentBatches: 1,
    minConcurrentBatchSize: 1,
    maxQueueLength: 1000,
    timeoutMs: 60_000,
    maxRetries: 0,
    isRetryable: (error) => error instanceof DeadlockError,
    isItemError: (error) => error instanceof BadItemError,
    ...overrides,
  };
}

/** Lets the queue's `setImmediate` scheduling and the promise chains after a commit run. */
async function settle(turns = 3): Promise<void> {
  for (let turn = 0; turn < turns; turn += 1) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** Records how a promise settled without letting a rejection go unhandled. */
function track<R>(promise: Promise<R>) {
  const state: { status: 'pending' | 'fulfilled' | 'rejected'; value?: R; error?: unknown } = {
    status: 'pending',
  };
  promise.then(
    (value) => {
      state.status = 'fulfilled';
      state.value = value;
    },
    (error: unknown) => {
      state.status = 'rejected';
      state.error = error;
    },
  );
  return state;
}

describe('GroupCommitQueue', () => {
  describe('batching', () => {
    it('should commit items submitted in the same tick as one batch', async () => {
      const { commit, calls } = deferredCommit<string, string>();
      const queue = new GroupCommitQueue(commit, options());

      const results = Promise.all([queue.submit('a'), queue.submit('b'), queue.submit('c')]);
      await settle();

      expect(commit).toHaveBeenCalledTimes(1);
      expect(calls[0].items).toEqual(['a', 'b', 'c']);
      calls[0].resolve(['A', 'B', 'C']);
      await expect(results).resolves.toEqual(['A', 'B', 'C']);
    });

    it('should also gather items submitted from later microtasks of the same event-loop turn', async () => {
      const { commit, calls } = deferredCommit<string, string>();
      const queue = new GroupCommitQueue(commit, options());

      const a = queue.submit('a');
      await Promise.resolve();
      const b = queue.submit('b');
      await Promise.resolve();
      const c = queue.submit('c');
      await settle();

      expect(calls.map((call) => call.items)).toEqual([['a', 'b', 'c']]);
      calls[0].resolve(['A', 'B', 'C']);
      await expect(Promise.all([a, b, c])).resolves.toEqual(['A', 'B', 'C']);
    });

    it('should resolve each submit with the result at its own position in the batch', async () => {
      const commit = vi.fn((items: number[]) => Promise.resolve(items.map((n) => `result-${n}`)));
      const queue = new GroupCommitQueue(commit, options());

      const third = queue.submit(3);
      const first = queue.submit(1);
      const second = queue.submit(2);

      await expect(first).resolves.toBe('result-1');
      await expect(second).resolves.toBe('result-2');
      await expect(third).resolves.toBe('result-3');
      expect(commit).toHaveBeenCalledTimes(1);
      expect(commit).toHaveBeenCalledWith([3, 1, 2], expect.any(Number));
    });

    it('should gather items that arrive during a commit into the next batch when one batch may run at a time', async () => {
      const { commit, calls } = deferredCommit<string, string>();
      const queue = new GroupCommitQueue(commit, options({ maxConcurrentBatches: 1 }));

      const a = track(queue.submit('a'));
      await settle();
      const b = track(queue.submit('b'));
      const c = track(queue.submit('c'));
      await settle();

      // The first batch still runs, so b and c wait for it.
      expect(calls).toHaveLength(1);
      expect(calls[0].items).toEqual(['a']);
      expect(queue.queued).toBe(2);
      expect(queue.inFlight).toBe(1);

      calls[0].resolve(['A']);
      await settle();

      expect(a.status).toBe('fulfilled');
      expect(calls).toHaveLength(2);
      expect(calls[1].items).toEqual(['b', 'c']);
      expect(b.status).toBe('pending');

      calls[1].resolve(['B', 'C']);
      await settle();
      expect(b).toMatchObject({ status: 'fulfilled', value: 'B' });
      expect(c).toMatchObject({ status: 'fulfilled', value: 'C' });
    });

    it('should never put more than maxBatchSize items in one batch', async () => {
      const { commit, calls } = deferredCommit<number, number>();
      const queue = new GroupCommitQueue(
        commit,
        options({ maxBatchSize: 2, maxConcurrentBatches: 5 }),
      );

      const results = Promise.all([1, 2, 3, 4, 5].map((n) => queue.submit(n)));
      await settle();

      expect(calls.map((call) => call.items)).toEqual([[1, 2], [3, 4], [5]]);
      for (const call of calls) call.resolve(call.items.map((n) => n * 10));
      await expect(results).resolves.toEqual([10, 20, 30, 40, 50]);
    });

    it('should run no more than maxConcurrentBatches commits at once', async () => {
      const { commit, calls } = deferredCommit<number, number>();
      const queue = new GroupCommitQueue(
        commit,
        options({ maxBatchSize: 1, maxConcurrentBatches: 2 }),
      );

      const results = Promise.all([1, 2, 3, 4].map((n) => queue.submit(n)));
      await settle();

      expect(calls.map((call) => call.items)).toEqual([[1], [2]]);
      expect(queue.inFlight).toBe(2);
      expect(queue.queued).toBe(2);

      calls[0].resolve([10]);
      await settle();
      expect(calls.map((call) => call.items)).toEqual([[1], [2], [3]]);
      expect(queue.inFlight).toBe(2);

      calls[1].resolve([20]);
      calls[2].resolve([30]);
      await settle();
      expect(calls).toHaveLength(4);
      calls[3].resolve([40]);
      await expect(results).resolves.toEqual([10, 20, 30, 40]);
    });
    it('should hold back a batch beside one in flight until it has minConcurrentBatchSize items', async () => {
      const { commit, calls } = deferredCommit<number, number>();
      const queue = new GroupCommitQueue(
        commit,
        options({ maxConcurrentBatches: 2, minConcurrentBatchSize: 3 }),
      );

      const first = queue.submit(1);
      await settle();
      expect(calls.map((call) => call.items)).toEqual([[1]]);

      // Two items are too few to run beside the first commit ...
      const early = [queue.submit(2), queue.submit(3)];
      await settle();
      expect(calls).toHaveLength(1);
      expect(queue.queued).toBe(2);

      // ... a third makes the batch worth its own commit, which starts at once, without waiting
      // for the rest of this turn of the event loop.
      const third = queue.submit(4);
      expect(calls.map((call) => call.items)).toEqual([[1], [2, 3, 4]]);
      expect(queue.inFlight).toBe(2);

      calls[0].resolve([10]);
      calls[1].resolve([20, 30, 40]);
      await expect(Promise.all([first, ...early, third])).resolves.toEqual([10, 20, 30, 40]);
    });

    it('should commit the few items held back as soon as no other commit is running', async () => {
      const { commit, calls } = deferredCommit<string, string>();
      const queue = new GroupCommitQueue(
        commit,
        options({ maxConcurrentBatches: 2, minConcurrentBatchSize: 10 }),
      );

      const a = queue.submit('a');
      await settle();
      const b = track(queue.submit('b'));
      await settle();
      expect(calls).toHaveLength(1);
      expect(b.status).toBe('pending');

      calls[0].resolve(['A']);
      await settle();
      expect(calls.map((call) => call.items)).toEqual([['a'], ['b']]);
      calls[1].resolve(['B']);
      await expect(a).resolves.toBe('A');
      await settle();
      expect(b).toEqual({ status: 'fulfilled', value: 'B' });
    });
  });

  describe('retries', () => {
    it('should run the same batch again after a retryable error and resolve when a retry succeeds', async () => {
      let attempts = 0;
      const commit = vi.fn((items: string[]) => {
        attempts += 1;
        return attempts <= 2
          ? Promise.reject(new DeadlockError('deadlock'))
          : Promise.resolve(items.map((item) => item.toUpperCase()));
      });
      const queue = new GroupCommitQueue(commit, options({ maxRetries: 2 }));

      const results = Promise.all([queue.submit('a'), queue.submit('b')]);

      await expect(results).resolves.toEqual(['A', 'B']);
      expect(commit).toHaveBeenCalledTimes(3);
      for (const [items] of commit.mock.calls) expect(items).toEqual(['a', 'b']);
    });

    it('should reject the batch with the retryable error once maxRetries retries have failed', async () => {
      const deadlock = new DeadlockError('deadlock');
      const commit = vi.fn((_items: string[]) => Promise.reject<string[]>(deadlock));
      const queue = new GroupCommitQueue(commit, options({ maxRetries: 2 }));

      const a = queue.submit('a');
      const b = queue.submit('b');

      await expect(a).rejects.toBe(deadlock);
      await expect(b).rejects.toBe(deadlock);
      expect(commit).toHaveBeenCalledTimes(3); // the first attempt and two retries
    });

    it('should not retry an error that is not retryable', async () => {
      const failure = new Error('connection lost');
      const commit = vi.fn((_items: string[]) => Promise.reject<string[]>(failure));
      const queue = new GroupCommitQueue(commit, options({ maxRetries: 5 }));

      await expect(queue.submit('a')).rejects.toBe(failure);
      expect(commit).toHaveBeenCalledTimes(1);
    });
  });

  describe('failures', () => {
    it('should split a batch on an item error so that only the offending item is rejected', async () => {
      const committed: string[][] = [];
      const commit = vi.fn((items: string[]) => {
        if (items.includes('bad')) return Promise.reject(new BadItemError('bad item'));
        committed.push(items);
        return Promise.resolve(items.map((item) => `stored ${item}`));
      });
      const queue = new GroupCommitQueue(commit, options());

      const good1 = queue.submit('a');
      const bad = queue.submit('bad');
      const good2 = queue.submit('c');
      const good3 = queue.submit('d');

      await expect(bad).rejects.toBeInstanceOf(BadItemError);
      await expect(good1).resolves.toBe('stored a');
      await expect(good2).resolves.toBe('stored c');
      await expect(good3).resolves.toBe('stored d');
      // Every good item was stored exactly once.
      expect(committed.flat().sort()).toEqual(['a', 'c', 'd']);
    });

    it('should reject every item of a batch, and only that batch, on an error that is neither an item error nor retryable', async () => {
      const failure = new Error('disk full');
      const commit = vi.fn((items: string[]) =>
        items.includes('a')
          ? Promise.reject(failure)
          : Promise.resolve(items.map((i) => `ok ${i}`)),
      );
      const queue = new GroupCommitQueue(commit, options({ maxBatchSize: 2 }));

      const a = queue.submit('a');
      const b = queue.submit('b');
      const c = queue.submit('c');

      await expect(a).rejects.toBe(failure);
      await expect(b).rejects.toBe(failure);
      await expect(c).resolves.toBe('ok c');
      // The failed batch was not split or retried.
      expect(commit.mock.calls.map(([items]) => items)).toEqual([['a', 'b'], ['c']]);
    });

    it('should reject the items of a batch whose commit returns the wrong number of results', async () => {
      const commit = vi.fn((_items: string[]) => Promise.resolve(['only one']));
      const queue = new GroupCommitQueue(commit, options());

      const a = queue.submit('a');
      const b = queue.submit('b');

      await expect(a).rejects.toThrow('commit returned 1 results for 2 items');
      await expect(b).rejects.toThrow('commit returned 1 results for 2 items');
    });
  });

  describe('back-pressure', () => {
    it('should refuse a submit with QueueFullError when maxQueueLength items are already waiting', async () => {
      const commit = vi.fn((items: string[]) => Promise.resolve(items));
      const queue = new GroupCommitQueue(commit, options({ maxQueueLength: 2 }));

      const a = queue.submit('a');
      const b = queue.submit('b');
      const refused = queue.submit('c');

      await expect(refused).rejects.toBeInstanceOf(QueueFullError);
      await expect(refused).rejects.toMatchObject({ name: 'QueueFullError' });
      await expect(Promise.all([a, b])).resolves.toEqual(['a', 'b']);
      expect(commit).toHaveBeenCalledTimes(1);
      expect(commit).toHaveBeenCalledWith(['a', 'b'], expect.any(Number));
    });

    it('should accept items again once waiting items have been taken into a batch', async () => {
      const { commit, calls } = deferredCommit<string, string>();
      const queue = new GroupCommitQueue(commit, options({ maxQueueLength: 1 }));

      const a = queue.submit('a');
      await settle();
      // 'a' is being committed, not waiting, so there is room again.
      const b = queue.submit('b');
      expect(queue.queued).toBe(1);

      calls[0].resolve(['A']);
      await settle();
      calls[1].resolve(['B']);
      await expect(Promise.all([a, b])).resolves.toEqual(['A', 'B']);
    });
  });

  describe('deadlines', () => {
    const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

    it('should refuse an item still waiting at its deadline with QueueTimeoutError and never commit it', async () => {
      const { commit, calls } = deferredCommit<string, string>();
      const onExpired = vi.fn();
      const queue = new GroupCommitQueue(commit, options({ timeoutMs: 30, onExpired }));
      const first = track(queue.submit('a', performance.now() + 60_000));
      await settle();
      expect(calls).toHaveLength(1);

      const waiting = track(queue.submit('b'));
      await sleep(80);

      expect(waiting.status).toBe('rejected');
      expect(waiting.error).toBeInstanceOf(QueueTimeoutError);
      expect(queue.queued).toBe(0);
      expect(onExpired).toHaveBeenCalledWith(0);
      calls[0].resolve(['A']);
      await settle();
      expect(first).toMatchObject({ status: 'fulfilled', value: 'A' });
      expect(commit).toHaveBeenCalledTimes(1);
      await expect(queue.drain()).resolves.toBeUndefined();
    });

    it('should refuse each waiting item at its own deadline, also one submitted later with an earlier one', async () => {
      const { commit, calls } = deferredCommit<string, string>();
      const queue = new GroupCommitQueue(commit, options({ timeoutMs: 60_000 }));
      const busy = track(queue.submit('busy'));
      await settle();
      expect(calls).toHaveLength(1);

      const late = track(queue.submit('late', performance.now() + 150));
      const early = track(queue.submit('early', performance.now() + 40));
      const patient = track(queue.submit('patient'));
      await sleep(90);
      expect(early.status).toBe('rejected');
      expect(late.status).toBe('pending');
      await sleep(110);
      expect(late.status).toBe('rejected');
      expect(patient.status).toBe('pending');
      expect(queue.queued).toBe(1);

      calls[0].resolve(['BUSY']);
      await settle();
      expect(busy).toMatchObject({ status: 'fulfilled', value: 'BUSY' });
      expect(calls[1].items).toEqual(['patient']);
      calls[1].resolve(['PATIENT']);
      await settle();
      expect(patient).toMatchObject({ status: 'fulfilled', value: 'PATIENT' });
      await expect(queue.drain()).resolves.toBeUndefined();
    });

    it("should give a batch's commit the time left to its earliest deadline", async () => {
      const { commit, calls } = deferredCommit<string, string>();
      const queue = new GroupCommitQueue(commit, options());
      const now = performance.now();
      const results = Promise.all([queue.submit('a', now + 1000), queue.submit('b', now + 500)]);
      await settle();

      const { timeoutMs } = calls[0];
      expect(timeoutMs).toBeLessThanOrEqual(500);
      expect(timeoutMs).toBeGreaterThan(300);
      calls[0].resolve(['A', 'B']);
      await expect(results).resolves.toEqual(['A', 'B']);
    });

    it('should stop retrying a deadlocked batch at its deadline and reject it with QueueTimeoutError', async () => {
      const commit = vi.fn(async () => {
        await sleep(40);
        throw new DeadlockError('deadlock');
      });
      const queue = new GroupCommitQueue<string, string>(
        commit,
        options({ maxRetries: 100, timeoutMs: 100 }),
      );

      await expect(queue.submit('a')).rejects.toBeInstanceOf(QueueTimeoutError);
      expect(commit.mock.calls.length).toBeGreaterThanOrEqual(2);
      expect(commit.mock.calls.length).toBeLessThanOrEqual(3);
    });
  });

  describe('drain', () => {
    it('should resolve at once when nothing is queued or running', async () => {
      const queue = new GroupCommitQueue(
        vi.fn((items: string[]) => Promise.resolve(items)),
        options(),
      );
      await expect(queue.drain()).resolves.toBeUndefined();
    });

    it('should resolve only after the in-flight batch has finished', async () => {
      const { commit, calls } = deferredCommit<string, string>();
      const queue = new GroupCommitQueue(commit, options());

      const item = track(queue.submit('a'));
      await settle();
      const drained = track(queue.drain());
      await settle();
      expect(drained.status).toBe('pending');

      calls[0].resolve(['A']);
      await settle();
      expect(drained.status).toBe('fulfilled');
      expect(item.status).toBe('fulfilled');
    });

    it('should wait for items that were waiting behind the in-flight batch too', async () => {
      const { commit, calls } = deferredCommit<string, string>();
      const queue = new GroupCommitQueue(commit, options({ maxConcurrentBatches: 1 }));

      void queue.submit('a');
      await settle();
      const later = track(queue.submit('b'));
      const drained = track(queue.drain());

      calls[0].resolve(['A']);
      await settle();
      expect(calls).toHaveLength(2);
      expect(drained.status).toBe('pending');

      calls[1].resolve(['B']);
      await settle();
      expect(later.status).toBe('fulfilled');
      expect(drained.status).toBe('fulfilled');
    });

    it('should resolve after a batch fails as well', async () => {
      const { commit, calls } = deferredCommit<string, string>();
      const queue = new GroupCommitQueue(commit, options());

      const item = track(queue.submit('a'));
      const drained = track(queue.drain());
      await settle();
      expect(drained.status).toBe('pending');

      calls[0].reject(new Error('boom'));
      await settle();
      expect(item.status).toBe('rejected');
      expect(drained.status).toBe('fulfilled');
    });
  });

  describe('onBatch', () => {
    it('should report the size and outcome of every commit attempt', async () => {
      let attempts = 0;
      const commit = vi.fn((items: string[]) => {
        attempts += 1;
        return attempts === 1
          ? Promise.reject(new DeadlockError('deadlock'))
          : Promise.resolve(items);
      });
      const onBatch = vi.fn();
      const queue = new GroupCommitQueue(commit, options({ maxRetries: 1, onBatch }));

      await Promise.all([queue.submit('a'), queue.submit('b'), queue.submit('c')]);

      expect(onBatch.mock.calls).toEqual([
        [3, expect.any(Number), false],
        [3, expect.any(Number), true],
      ]);
      for (const [, durationMs] of onBatch.mock.calls) expect(durationMs).toBeGreaterThanOrEqual(0);
    });

    it('should report the sizes of the halves when a batch is split', async () => {
      const commit = vi.fn((items: string[]) =>
        items.includes('bad') ? Promise.reject(new BadItemError('bad')) : Promise.resolve(items),
      );
      const onBatch = vi.fn();
      const queue = new GroupCommitQueue(commit, options({ onBatch }));

      const submitted = ['a', 'b', 'c', 'bad'].map((item) => queue.submit(item));
      await Promise.allSettled(submitted);

      expect(onBatch.mock.calls.map(([size, , ok]) => [size, ok])).toEqual([
        [4, false],
        [2, true],
        [2, false],
        [1, true],
        [1, false],
      ]);
    });
  });
});
