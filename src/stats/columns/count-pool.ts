import { builtWorkerScript } from '../../common/project-files.js';
import { TaskWorker } from '../../common/task-worker.js';
import { type CountResult, type CountTask, marksFor, runCount } from './day-count.js';
import type { VisitorMarks } from './visitor-index.js';

/**
 * Lets the event loop run between two days' counting (a few milliseconds each on a big site),
 * so that `/track` requests on the same replica never wait behind a whole period's.
 */
const breath = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Marks kept for the next counts on the main thread (more are made while more run at once). */
const KEPT_MARKS = 6;

/**
 * Runs the counts of the day columns (`runCount`) on worker threads, so that the panels of a
 * dashboard count on every core at once instead of one after the other on the thread that
 * answers requests; each count goes to the worker with the fewest in hand. The day columns,
 * visitor numbers and passes are in shared memory: a count sends only their outline. With no
 * threads (or no built worker script, see `workerScript`) counts run on the main thread, a day
 * at a time between turns of the event loop.
 */
export class CountPool {
  private readonly workers: TaskWorker<CountTask, CountResult>[] = [];
  private readonly kept: VisitorMarks[][] = [];
  private closing = false;

  constructor(
    threads: number,
    private readonly script: string | null = workerScript(),
  ) {
    if (!script) return;
    for (let i = 0; i < threads; i++) this.workers.push(this.start());
  }

  /** Worker threads counting (0: the main thread counts). */
  get threads(): number {
    return this.workers.length;
  }

  run(task: CountTask): Promise<CountResult> {
    if (this.workers.length === 0) return this.runHere(task);
    const target = this.workers.reduce((least, w) => (w.load < least.load ? w : least));
    return target.run(task);
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((worker) => worker.terminate()));
    this.workers.length = 0;
  }

  private async runHere(task: CountTask): Promise<CountResult> {
    const marks = this.kept.pop() ?? [];
    try {
      return await runCount(task, marksFor(task, marks), breath);
    } finally {
      if (this.kept.length < KEPT_MARKS) this.kept.push(marks);
    }
  }

  private start(): TaskWorker<CountTask, CountResult> {
    const worker = new TaskWorker<CountTask, CountResult>(this.script!, () => {
      // A worker that died (out of memory, say) is replaced; its counts failed with its error.
      const at = this.workers.indexOf(worker);
      if (at >= 0 && !this.closing) this.workers[at] = this.start();
    });
    return worker;
  }
}

/** The compiled worker script (see `builtWorkerScript`). */
export function workerScript(): string | null {
  return builtWorkerScript('stats/columns/count-worker');
}
