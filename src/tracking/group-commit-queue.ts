export interface GroupCommitOptions {
  /** The most items one commit takes. */
  maxBatchSize: number;
  /** How many commits may run at once (each holds a database connection). */
  maxConcurrentBatches: number;
  /**
   * The fewest items a batch needs to start while another is being committed; fewer wait for a
   * commit to finish. Every commit has a fixed cost (a round trip, the statement's start, the
   * triggers, the WAL flush) that a batch of one or two items would mostly pay for nothing.
   */
  minConcurrentBatchSize: number;
  /** Items waiting beyond this are refused at once with `QueueFullError` (back-pressure). */
  maxQueueLength: number;
  /**
   * How long an item may take from `submit` to its outcome, commit included: an item still
   * waiting at its deadline is refused with `QueueTimeoutError` (and never committed), and a
   * batch's commit is given the time left to its earliest deadline. Retries and splits stop there.
   */
  timeoutMs: number;
  /** A batch that fails with a retryable error (a deadlock) is run again up to this many times. */
  maxRetries: number;
  /** True for errors worth running the same batch again for. */
  isRetryable: (error: unknown) => boolean;
  /**
   * True for errors caused by some item of the batch rather than by the database: the batch is
   * then split and its halves committed separately, so only the offending items fail.
   */
  isItemError: (error: unknown) => boolean;
  /** Called after every commit attempt of a batch, for metrics. */
  onBatch?: (size: number, durationMs: number, succeeded: boolean) => void;
  /** Called when items were refused at their deadline while waiting, for metrics. */
  onExpired?: (queued: number) => void;
}

export class QueueFullError extends Error {
  constructor() {
    super('The ingestion queue is full.');
    this.name = 'QueueFullError';
  }
}

/** The item reached its deadline before it was committed; it was not committed by this batch. */
export class QueueTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`The item was not committed within ${timeoutMs} ms.`);
    this.name = 'QueueTimeoutError';
  }
}

interface Entry<T, R> {
  item: T;
  /** `performance.now()` by which the item must have its outcome. */
  deadline: number;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: items submitted while the database is busy are gathered and committed together,
 * one transaction per batch. Under light load a batch is the single item that arrived, committed
 * at once; under heavy load batches grow to what arrived during the commits before, so throughput
 * rises without a fixed delay. A further batch runs beside one in flight only once it holds
 * `minConcurrentBatchSize` items. Each `submit` settles only when the batch holding its item has
 * committed (or failed), with the result `commit` returned for that item.
 */
export class GroupCommitQueue<T, R> {
  private readonly pending: Entry<T, R>[] = [];
  private running = 0;
  private scheduled = false;
  private idleWaiters: (() => void)[] = [];
  /**
   * One timer for every waiting item, set for the earliest deadline among them: a timer per item
   * would cost a timer list per distinct delay on the hot path, for something that happens only
   * when the database stalls.
   */
  private expiryTimer: NodeJS.Timeout | undefined;
  private expiryAt = Infinity;

  /**
   * @param commit stores a batch in one transaction and returns one result per item, in order;
   *   if it throws, nothing of the batch may have been stored, except that a commit which gives
   *   up after `timeoutMs` cannot know whether the database went on to commit.
   */
  constructor(
    private readonly commit: (items: T[], timeoutMs: number) => Promise<R[]>,
    private readonly options: GroupCommitOptions,
  ) {}

  /** Items waiting for a batch. */
  get queued(): number {
    return this.pending.length;
  }

  /** Batches being committed now. */
  get inFlight(): number {
    return this.running;
  }

  /**
   * @param deadline `performance.now()` by which the item must have its outcome; by default
   *   `timeoutMs` from now.
   */
  submit(item: T, deadline = performance.now() + this.options.timeoutMs): Promise<R> {
    if (this.pending.length >= this.options.maxQueueLength) {
      return Promise.reject(new QueueFullError());
    }
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, deadline, resolve, reject });
      if (deadline < this.expiryAt) this.armExpiry(deadline);
      // The first batch gathers what this turn of the event loop parses; a further one starts
      // as soon as it holds enough items (the commit in flight takes those left over when it ends).
      if (this.running === 0) this.schedule();
      else this.startBatches();
    });
  }

  /** Resolves once every submitted item has been committed or failed. */
  drain(): Promise<void> {
    if (this.pending.length === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.running >= this.options.maxConcurrentBatches) return;
    if (this.pending.length === 0) return;
    this.scheduled = true;
    // Let the requests already parsed in this turn of the event loop join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.startBatches();
    });
  }

  private startBatches(): void {
    while (this.running < this.options.maxConcurrentBatches && this.pending.length > 0) {
      if (this.running > 0 && this.pending.length < this.options.minConcurrentBatchSize) return;
      const batch = this.pending.splice(0, this.options.maxBatchSize);
      if (this.pending.length === 0) this.disarmExpiry();
      this.running += 1;
      void this.run(batch).finally(() => {
        this.running -= 1;
        // The waiting items go at once (beside another commit, once there are enough of them):
        // waiting for the rest of this turn of the event loop would leave the database idle
        // while a burst of requests is parsed.
        if (this.pending.length > 0) this.startBatches();
        if (this.running === 0 && this.pending.length === 0) this.notifyIdle();
      });
    }
  }

  private armExpiry(at: number): void {
    clearTimeout(this.expiryTimer);
    this.expiryAt = at;
    this.expiryTimer = setTimeout(() => this.expire(), Math.max(0, at - performance.now()));
  }

  private disarmExpiry(): void {
    clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
    this.expiryAt = Infinity;
  }

  /** Refuses the items still waiting at their deadline, then waits for the next deadline. */
  private expire(): void {
    this.disarmExpiry();
    const now = performance.now();
    const expired = this.pending.filter((entry) => entry.deadline <= now);
    if (expired.length > 0) {
      const waiting = this.pending.filter((entry) => entry.deadline > now);
      this.pending.splice(0, this.pending.length, ...waiting);
      for (const entry of expired) entry.reject(new QueueTimeoutError(this.options.timeoutMs));
      this.options.onExpired?.(this.pending.length);
    }
    if (this.pending.length > 0) {
      this.armExpiry(
        this.pending.reduce((earliest, e) => Math.min(earliest, e.deadline), Infinity),
      );
    } else if (this.running === 0) {
      this.notifyIdle();
    }
  }

  private async run(entries: Entry<T, R>[]): Promise<void> {
    const deadline = entries.reduce(
      (earliest, entry) => Math.min(earliest, entry.deadline),
      Infinity,
    );
    let results: R[];
    try {
      results = await this.commitWithRetries(
        entries.map((entry) => entry.item),
        deadline,
      );
    } catch (error) {
      if (entries.length > 1 && this.options.isItemError(error)) {
        const half = Math.ceil(entries.length / 2);
        await this.run(entries.slice(0, half));
        await this.run(entries.slice(half));
        return;
      }
      for (const entry of entries) entry.reject(error);
      return;
    }
    entries.forEach((entry, index) => entry.resolve(results[index]));
  }

  private async commitWithRetries(items: T[], deadline: number): Promise<R[]> {
    for (let attempt = 0; ; attempt += 1) {
      const started = performance.now();
      const remaining = Math.floor(deadline - started);
      if (remaining < 1) throw new QueueTimeoutError(this.options.timeoutMs);
      let results: R[];
      try {
        results = await this.commit(items, remaining);
      } catch (error) {
        this.options.onBatch?.(items.length, performance.now() - started, false);
        if (attempt < this.options.maxRetries && this.options.isRetryable(error)) continue;
        throw error;
      }
      this.options.onBatch?.(items.length, performance.now() - started, true);
      if (results.length !== items.length) {
        throw new Error(`commit returned ${results.length} results for ${items.length} items`);
      }
      return results;
    }
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
