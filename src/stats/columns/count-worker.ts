import { parentPort } from 'node:worker_threads';
import { type CountTask, marksFor, runCount } from './day-count.js';
import type { VisitorMarks } from './visitor-index.js';

/**
 * A worker thread of `CountPool`: runs the counts it is sent, one at a time, over the shared
 * memory of the day columns, and answers each with its result (or its error).
 */
const marks: VisitorMarks[] = [];

parentPort?.on('message', (message: { id: number; task: CountTask }) => {
  runCount(message.task, marksFor(message.task, marks)).then(
    (result) => parentPort!.postMessage({ id: message.id, result }),
    (error: unknown) =>
      parentPort!.postMessage({ id: message.id, error: (error as Error).stack ?? String(error) }),
  );
});
