interface CacheEntry<V> {
  promise: Promise<V>;
  expiresAt: number;
}

export interface TtlCacheOptions {
  /** How long a loaded value is served before it is loaded again; 0 disables caching. */
  ttlMs: number;
  /** The oldest entries are dropped beyond this many. */
  maxEntries: number;
  now?: () => number;
}

/**
 * A small in-process cache with a time to live. Concurrent misses for one key share a single load
 * (no stampede on the database), failed loads are not cached, and the size is bounded.
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, CacheEntry<V>>();
  private readonly now: () => number;

  constructor(private readonly options: TtlCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  getOrLoad(key: K, load: () => Promise<V>): Promise<V> {
    const now = this.now();
    const cached = this.entries.get(key);
    if (cached && cached.expiresAt > now) return cached.promise;

    // Until the load settles the entry lives "for ever", so that concurrent callers share it.
    const promise = load();
    const entry: CacheEntry<V> = { promise, expiresAt: Number.POSITIVE_INFINITY };
    this.entries.delete(key);
    this.entries.set(key, entry);
    promise.then(
      () => {
        entry.expiresAt = this.now() + this.options.ttlMs;
        if (this.options.ttlMs <= 0 && this.entries.get(key) === entry) this.entries.delete(key);
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    this.evictOverflow();
    return promise;
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private evictOverflow(): void {
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.options.maxEntries) return;
      this.entries.delete(key);
    }
  }
}
