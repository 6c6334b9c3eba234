/**
 * Runs a background task after a first delay, then again after the delay each run answers, one
 * run at a time, until stopped. The task handles its own errors (a rejection is treated as "run
 * again after `fallbackDelayMs`"). Its timers never keep the process alive.
 */
export class RepeatingTimer {
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly task: () => Promise<number>,
    private readonly fallbackDelayMs: number,
  ) {}

  start(firstDelayMs: number): void {
    this.stopped = false;
    this.schedule(firstDelayMs);
  }

  /** No run starts after this; a run in progress goes on (its owner awaits it). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      void this.task()
        .catch(() => this.fallbackDelayMs)
        .then((next) => {
          if (!this.stopped) this.schedule(next);
        });
    }, delayMs).unref();
  }
}
