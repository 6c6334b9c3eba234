import { parentPort, Worker } from 'node:worker_threads';

/** What a task worker answers: the task's result, or its error's stack. */
interface Answer<R> {
  id: number;
  result?: R;
  error?: string;
}

interface Pending<R> {
  resolve: (result: R) => void;
  reject: (error: Error) => void;
}

/**
 * One worker thread that runs the tasks it is sent (see `serveTasks` for the worker's side) and
 * answers each. It holds the process open only while it owes an answer. Should it die (out of
 * memory, say), the tasks it owed fail with that error and `onDeath` is called, so that its owner
 * can replace it; stopping it with `terminate` fails them too.
 */
export class TaskWorker<T, R> {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending<R>>();
  private nextId = 0;
  private stopped = false;

  constructor(script: string, onDeath: (error: Error) => void) {
    this.worker = new Worker(script);
    this.worker.unref();
    this.worker.on('message', (answer: Answer<R>) => {
      const pending = this.pending.get(answer.id);
      if (!pending) return;
      this.pending.delete(answer.id);
      if (this.pending.size === 0) this.worker.unref();
      if (answer.error !== undefined) pending.reject(new Error(answer.error));
      else pending.resolve(answer.result as R);
    });
    const die = (error: Error): void => {
      if (this.stopped) return;
      this.stopped = true;
      this.failAll(error);
      onDeath(error);
    };
    this.worker.on('error', die);
    this.worker.on('exit', (code) =>
      die(new Error(`A worker thread stopped (exit code ${code}).`)),
    );
  }

  /** Tasks sent and not answered yet. */
  get load(): number {
    return this.pending.size;
  }

  run(task: T): Promise<R> {
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, task });
    });
  }

  /** Stops the thread; the tasks it owed fail. */
  async terminate(): Promise<void> {
    this.stopped = true;
    await this.worker.terminate();
    this.failAll(new Error('The worker thread was stopped.'));
  }

  private failAll(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}

/** The worker's side of `TaskWorker`: runs each task it is sent with `work`, and answers. */
export function serveTasks<T, R>(work: (task: T) => Promise<R>): void {
  parentPort?.on('message', (message: { id: number; task: T }) => {
    work(message.task).then(
      (result) => parentPort!.postMessage({ id: message.id, result } satisfies Answer<R>),
      (error: unknown) =>
        parentPort!.postMessage({
          id: message.id,
          error: (error as Error).stack ?? String(error),
        } satisfies Answer<R>),
    );
  });
}
