import { TtlCache } from './ttl-cache.js';

function deferred<V>() {
  let resolve!: (value: V) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<V>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A cache on a clock the test moves by hand. */
function cacheAt(ttlMs: number, maxEntries = 100) {
  const clock = { time: 0 };
  const cache = new TtlCache<string, string>({ ttlMs, maxEntries, now: () => clock.time });
  return { cache, clock };
}

/** A loader returning `value-1`, `value-2`, … on successive calls. */
function countingLoader(prefix = 'value') {
  let calls = 0;
  return vi.fn(() => {
    calls += 1;
    return Promise.resolve(`${prefix}-${calls}`);
  });
}

describe('TtlCache', () => {
  it('should load a value once and serve it from the cache within the TTL', async () => {
    const { cache, clock } = cacheAt(1000);
    const load = countingLoader();

    await expect(cache.getOrLoad('k', load)).resolves.toBe('value-1');
    clock.time = 999;
    await expect(cache.getOrLoad('k', load)).resolves.toBe('value-1');

    expect(load).toHaveBeenCalledTimes(1);
  });

  it('should load the value again once the TTL has passed', async () => {
    const { cache, clock } = cacheAt(1000);
    const load = countingLoader();

    await cache.getOrLoad('k', load);
    clock.time = 1000;
    await expect(cache.getOrLoad('k', load)).resolves.toBe('value-2');
    clock.time = 1500;
    await expect(cache.getOrLoad('k', load)).resolves.toBe('value-2');

    expect(load).toHaveBeenCalledTimes(2);
  });

  it('should keep values of different keys apart', async () => {
    const { cache } = cacheAt(1000);

    await expect(cache.getOrLoad('a', () => Promise.resolve('A'))).resolves.toBe('A');
    await expect(cache.getOrLoad('b', () => Promise.resolve('B'))).resolves.toBe('B');
    await expect(cache.getOrLoad('a', () => Promise.resolve('other'))).resolves.toBe('A');
  });

  it('should share one load between concurrent misses for the same key', async () => {
    const { cache } = cacheAt(1000);
    const pending = deferred<string>();
    const load = vi.fn(() => pending.promise);

    const first = cache.getOrLoad('k', load);
    const second = cache.getOrLoad('k', load);
    expect(load).toHaveBeenCalledTimes(1);

    pending.resolve('shared');
    await expect(first).resolves.toBe('shared');
    await expect(second).resolves.toBe('shared');
  });

  it('should not cache a failed load, so the next call loads again', async () => {
    const { cache } = cacheAt(1000);
    const failure = new Error('database down');
    const load = vi
      .fn<() => Promise<string>>()
      .mockRejectedValueOnce(failure)
      .mockResolvedValueOnce('recovered');

    await expect(cache.getOrLoad('k', load)).rejects.toBe(failure);
    await expect(cache.getOrLoad('k', load)).resolves.toBe('recovered');
    expect(load).toHaveBeenCalledTimes(2);
    expect(cache.size).toBe(1);
  });

  it('should give concurrent callers of a failing load the same failure', async () => {
    const { cache } = cacheAt(1000);
    const pending = deferred<string>();
    const load = vi.fn(() => pending.promise);

    const first = cache.getOrLoad('k', load);
    const second = cache.getOrLoad('k', load);
    const failure = new Error('timeout');
    pending.reject(failure);

    await expect(first).rejects.toBe(failure);
    await expect(second).rejects.toBe(failure);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('should keep a newer entry when a load it replaced fails afterwards', async () => {
    const { cache } = cacheAt(1000);
    const stale = deferred<string>();

    const old = cache.getOrLoad('k', () => stale.promise);
    cache.delete('k');
    await expect(cache.getOrLoad('k', () => Promise.resolve('fresh'))).resolves.toBe('fresh');
    stale.reject(new Error('late failure'));
    await expect(old).rejects.toThrow('late failure');

    const load = vi.fn(() => Promise.resolve('reloaded'));
    await expect(cache.getOrLoad('k', load)).resolves.toBe('fresh');
    expect(load).not.toHaveBeenCalled();
  });

  it('should drop the oldest entries beyond maxEntries', async () => {
    const { cache } = cacheAt(1000, 2);

    await cache.getOrLoad('a', () => Promise.resolve('A'));
    await cache.getOrLoad('b', () => Promise.resolve('B'));
    await cache.getOrLoad('c', () => Promise.resolve('C'));
    expect(cache.size).toBe(2);

    const reload = vi.fn((key: string) => Promise.resolve(`${key} again`));
    await expect(cache.getOrLoad('b', () => reload('b'))).resolves.toBe('B');
    await expect(cache.getOrLoad('c', () => reload('c'))).resolves.toBe('C');
    expect(reload).not.toHaveBeenCalled();
    await expect(cache.getOrLoad('a', () => reload('a'))).resolves.toBe('a again');
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it('should count a reloaded entry as the newest when dropping entries', async () => {
    const { cache, clock } = cacheAt(1000, 2);

    await cache.getOrLoad('a', () => Promise.resolve('A1'));
    await cache.getOrLoad('b', () => Promise.resolve('B'));
    clock.time = 1000; // both have expired; only 'a' is loaded again
    await cache.getOrLoad('a', () => Promise.resolve('A2'));
    await cache.getOrLoad('c', () => Promise.resolve('C'));

    const reload = vi.fn(() => Promise.resolve('reloaded'));
    clock.time = 1500;
    await expect(cache.getOrLoad('a', reload)).resolves.toBe('A2');
    await expect(cache.getOrLoad('c', reload)).resolves.toBe('C');
    expect(reload).not.toHaveBeenCalled();
    expect(cache.size).toBe(2);
  });

  it('should not cache at all when ttlMs is 0', async () => {
    const { cache } = cacheAt(0);
    const load = countingLoader();

    await expect(cache.getOrLoad('k', load)).resolves.toBe('value-1');
    await expect(cache.getOrLoad('k', load)).resolves.toBe('value-2');
    expect(load).toHaveBeenCalledTimes(2);
    expect(cache.size).toBe(0);
  });

  it('should still share one load between concurrent misses when ttlMs is 0', async () => {
    const { cache } = cacheAt(0);
    const pending = deferred<string>();
    const load = vi.fn(() => pending.promise);

    const first = cache.getOrLoad('k', load);
    const second = cache.getOrLoad('k', load);
    pending.resolve('shared');

    await expect(Promise.all([first, second])).resolves.toEqual(['shared', 'shared']);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('should load again after an entry is deleted', async () => {
    const { cache } = cacheAt(1000);
    const load = countingLoader();

    await cache.getOrLoad('k', load);
    cache.delete('k');
    await expect(cache.getOrLoad('k', load)).resolves.toBe('value-2');
  });

  it('should load everything again after the cache is cleared', async () => {
    const { cache } = cacheAt(1000);
    const loadA = countingLoader('a');
    const loadB = countingLoader('b');

    await cache.getOrLoad('a', loadA);
    await cache.getOrLoad('b', loadB);
    cache.clear();

    expect(cache.size).toBe(0);
    await expect(cache.getOrLoad('a', loadA)).resolves.toBe('a-2');
    await expect(cache.getOrLoad('b', loadB)).resolves.toBe('b-2');
  });

  it('should use Date.now when no clock is given', async () => {
    const cache = new TtlCache<string, string>({ ttlMs: 60_000, maxEntries: 10 });
    const load = countingLoader();

    await cache.getOrLoad('k', load);
    await expect(cache.getOrLoad('k', load)).resolves.toBe('value-1');
  });
});
