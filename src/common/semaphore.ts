/** Refused at once: every slot is taken and the queue is full. */
export class SemaphoreFullError extends Error {
  constructor() {
    super('Every slot is taken and the queue is full.');
    this.name = 'SemaphoreFullError';
  }
}

/** Waited longer than allowed for a slot. */
export class SemaphoreTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`No slot became free within ${timeoutMs} ms.`);
    this.name = 'SemaphoreTimeoutError';
  }
}

/**
 * At most `slots` holders at once; the others wait in arrival order, at most `maxQueue` of them
 * and each at most `timeoutMs`.
 */
export class Semaphore {
  private held = 0;
  private readonly waiting: { grant: () => void; timer: NodeJS.Timeout }[] = [];

  constructor(
    private readonly slots: number,
    private readonly maxQueue: number,
    private readonly timeoutMs: number,
  ) {}

  get inUse(): number {
    return this.held;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Runs `work` in a slot and frees the slot when it settles. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.held < this.slots) {
      this.held += 1;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.maxQueue) return Promise.reject(new SemaphoreFullError());
    return new Promise<void>((resolve, reject) => {
      const entry = {
        // The slot passes straight from the releaser to this waiter: `held` stays as it is.
        grant: () => {
          clearTimeout(entry.timer);
          resolve();
        },
        timer: setTimeout(() => {
          this.waiting.splice(this.waiting.indexOf(entry), 1);
          reject(new SemaphoreTimeoutError(this.timeoutMs));
        }, this.timeoutMs),
      };
      this.waiting.push(entry);
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next.grant();
    else this.held -= 1;
  }
}
