import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TaskWorker } from './task-worker.js';

describe('TaskWorker', () => {
  let dir: string;
  /** A worker script: answers `{ id, result: task * 2 }`, exits on a task of -1, never answers 0. */
  let script: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'task-worker-'));
    script = join(dir, 'double.mjs');
    await writeFile(
      script,
      `import { parentPort } from 'node:worker_threads';
       parentPort.on('message', ({ id, task }) => {
         if (task === -1) process.exit(3);
         if (task === 0) return;
         if (task < 0) parentPort.postMessage({ id, error: 'negative' });
         else parentPort.postMessage({ id, result: task * 2 });
       });`,
    );
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('should answer each task with its result or its error', async () => {
    const worker = new TaskWorker<number, number>(script, () => undefined);
    try {
      await expect(Promise.all([1, 2, 3].map((n) => worker.run(n)))).resolves.toEqual([2, 4, 6]);
      await expect(worker.run(-2)).rejects.toThrow('negative');
      expect(worker.load).toBe(0);
    } finally {
      await worker.terminate();
    }
  });

  it('should fail what a dead worker owed and tell its owner, once', async () => {
    const deaths: Error[] = [];
    const worker = new TaskWorker<number, number>(script, (error) => deaths.push(error));
    const owed = worker.run(0);
    await expect(worker.run(-1)).rejects.toThrow('exit code 3');
    await expect(owed).rejects.toThrow('exit code 3');
    expect(deaths).toHaveLength(1);
    expect(worker.load).toBe(0);
  });

  it('should fail what it owed when stopped, without calling it a death', async () => {
    const deaths: Error[] = [];
    const worker = new TaskWorker<number, number>(script, (error) => deaths.push(error));
    const owed = worker.run(0);
    await worker.terminate();
    await expect(owed).rejects.toThrow('stopped');
    expect(deaths).toEqual([]);
  });
});
