import { serveTasks } from '../../common/task-worker.js';
import { type CountTask, marksFor, runCount } from './day-count.js';
import type { VisitorMarks } from './visitor-index.js';

/**
 * A worker thread of `CountPool`: runs the counts it is sent, one at a time, over the shared
 * memory of the day columns, and answers each with its result (or its error).
 */
const marks: VisitorMarks[] = [];

serveTasks((task: CountTask) => runCount(task, marksFor(task, marks)));
