import pg from 'pg';
import { serveTasks } from '../../common/task-worker.js';
import { dayRowsOn, type EncodeTask, readDayColumns, SNAPSHOT_ID } from './columns-encoder.js';

/**
 * The worker thread of `ColumnsEncoder`: reads a day's rows in the snapshot of the transaction
 * that recomputes it (on a connection of its own, opened for the task) and encodes its columns.
 */
async function encode(task: EncodeTask): Promise<Buffer> {
  if (!SNAPSHOT_ID.test(task.snapshot)) throw new Error(`Not a snapshot id: ${task.snapshot}`);
  const client = new pg.Client(task.connection);
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await client.query(`SET TRANSACTION SNAPSHOT '${task.snapshot}'`);
    const data = await readDayColumns(dayRowsOn(client, task));
    await client.query('COMMIT');
    return data;
  } finally {
    await client.end();
  }
}

serveTasks(encode);
