import { Worker } from 'node:worker_threads';
import { builtWorkerScript } from '../../common/project-files.js';
import { type CountResult, type CountTask, marksFor, runCount } from './day-count.js';
import type { VisitorMarks } from './visitor-index.js';

/**
 * Lets the event loop run between two days' counting (a few milliseconds each on a big site),
 * so that `/track` requests on the same replica never wait behind a whole period's.
 */
const breath = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Marks kept for the next counts on the main thread (more are made while more run at once). */
const KEPT_MARKS = 6;

interface Pending {
  resolve: (result: CountResult) => void;
  reject: (error: Error) => void;
}

interface CountWorker {
  worker: Worker;
  pending: Map<number, Pending>;
}

/**
 * Runs the counts of the day columns (`runCount`) on worker threads, so that the panels of a
 * dashboard count on every core at once instead of one after the other on the thread that
 * answers requests; each count goes to the worker with the fewest in hand. The day columns,
 * visitor numbers and passes are in shared memory: a count sends only their outline. With no
 * threads (or no built worker script, see `workerScript`) counts run on the main thread, a day
 * at a time between turns of the event loop.
 */
export class CountPool {
  private readonly workers: CountWorker[] = [];
  private readonly kept: VisitorMarks[][] = [];
  private nextId = 0;
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
    const target = this.workers.reduce((least, w) =>
      w.pending.size < least.pending.size ? w : least,
    );
    const id = this.nextId++;
    return new Promise<CountResult>((resolve, reject) => {
      // A worker holds the process open only while it owes a count.
      if (target.pending.size === 0) target.worker.ref();
      target.pending.set(id, { resolve, reject });
      target.worker.postMessage({ id, task });
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map(({ worker }) => worker.terminate()));
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

  private start(): CountWorker {
    const worker = new Worker(this.script!);
    // An idle worker does not hold the process open.
    worker.unref();
    const entry: CountWorker = { worker, pending: new Map() };
    worker.on('message', (message: { id: number; result?: CountResult; error?: string }) => {
      const pending = entry.pending.get(message.id);
      if (!pending) return;
      entry.pending.delete(message.id);
      if (entry.pending.size === 0) worker.unref();
      if (message.error !== undefined) pending.reject(new Error(message.error));
      else pending.resolve(message.result!);
    });
    const fail = (error: Error): void => {
      for (const pending of entry.pending.values()) pending.reject(error);
      entry.pending.clear();
      const at = this.workers.indexOf(entry);
      // A worker that died (out of memory, say) is replaced; its counts fail with its error.
      if (at >= 0 && !this.closing) this.workers[at] = this.start();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!this.closing) fail(new Error(`A stats count worker stopped (exit code ${code}).`));
    });
    return entry;
  }
}

/** The compiled worker script (see `builtWorkerScript`). */
export function workerScript(): string | null {
  return builtWorkerScript('stats/columns/count-worker');
}
