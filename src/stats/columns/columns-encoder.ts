import { Logger } from '@nestjs/common';
import type pg from 'pg';
import { builtWorkerScript } from '../../common/project-files.js';
import { TaskWorker } from '../../common/task-worker.js';
import { DayColumns, type EventRow, type PageViewRow, type VisitRow } from './day-columns.js';
import {
  DAY_EVENTS_SQL,
  DAY_PAGE_VIEWS_SQL,
  DAY_VISITS_SQL,
  LATER_PAGE_VIEWS_SQL,
} from './day-columns-sql.js';

/** Runs one of the day's row queries (`$1` site, `$2` date, `$3` timezone), rows as arrays. */
export type DayRows = <T extends unknown[]>(sql: string) => Promise<T[]>;

/** A local day of a site, as the rollups recompute it. */
export interface ColumnsDay {
  siteId: string;
  day: string;
  timezone: string;
}

/** What the encoder's worker thread needs to read a day as the recomputing transaction sees it. */
export interface EncodeTask extends ColumnsDay {
  /** How to connect: the pool's settings that a message can carry. */
  connection: pg.ClientConfig;
  /** The recomputing transaction's exported snapshot (`pg_export_snapshot()`). */
  snapshot: string;
}

/** A day's rows (see `day-columns-sql.ts`), read with `rowsOf`, encoded as its columns. */
export async function readDayColumns(rowsOf: DayRows): Promise<Buffer> {
  return DayColumns.encode(
    await rowsOf<VisitRow>(DAY_VISITS_SQL),
    await rowsOf<PageViewRow>(DAY_PAGE_VIEWS_SQL),
    await rowsOf<PageViewRow>(LATER_PAGE_VIEWS_SQL),
    await rowsOf<EventRow>(DAY_EVENTS_SQL),
  );
}

/** `rowsOf` for `readDayColumns` on one connection. */
export function dayRowsOn(client: pg.ClientBase, day: ColumnsDay): DayRows {
  return async <T extends unknown[]>(sql: string): Promise<T[]> =>
    (
      await client.query<T>({
        text: sql,
        values: [day.siteId, day.day, day.timezone],
        rowMode: 'array',
      })
    ).rows;
}

/** How snapshot ids look (`00000003-0000001B-1`): checked before one is put into SQL. */
export const SNAPSHOT_ID = /^[0-9A-F]+-[0-9A-F]+(-[0-9]+)?$/i;

/**
 * Reads and encodes the day columns that the rollup job writes with each recomputed day, on a
 * worker thread with its own connection that imports the recomputing transaction's snapshot
 * (so it reads exactly the rows the day's rollups are made of). On a busy site today is
 * recomputed every minute or so: its rows parsed and encoded on the main thread kept its event
 * loop, which answers `/track`, busy 650-790 ms each time for a day of 160,000 page views (2-6
 * ms with the worker; `npm run bench:columns`). Without a built worker script (see
 * `encoderScript`), and when the worker fails (it cannot connect, say), the day is read on the
 * recomputing connection, on the main thread.
 */
export class ColumnsEncoder {
  private readonly logger = new Logger(ColumnsEncoder.name);
  private worker?: TaskWorker<EncodeTask, Uint8Array>;
  private closing = false;

  constructor(private readonly script: string | null = encoderScript()) {}

  /** Whether a worker thread does the reading and encoding. */
  get threaded(): boolean {
    return this.script !== null;
  }

  /**
   * The columns of the day that `client`'s transaction (REPEATABLE READ) is recomputing;
   * `connection` is how the worker connects to the same database.
   */
  async encode(
    client: pg.ClientBase,
    day: ColumnsDay,
    connection: pg.ClientConfig,
  ): Promise<Buffer> {
    if (!this.script || this.closing) return readDayColumns(dayRowsOn(client, day));
    const { rows } = await client.query<{ snapshot: string }>(
      'SELECT pg_export_snapshot() AS snapshot',
    );
    const task: EncodeTask = { ...day, connection, snapshot: rows[0].snapshot };
    try {
      return await this.onWorker(task);
    } catch (error) {
      this.logger.warn(
        { err: error, siteId: day.siteId, day: day.day },
        'The day columns worker failed; encoding the day on the main thread instead.',
      );
      return readDayColumns(dayRowsOn(client, day));
    }
  }

  private async onWorker(task: EncodeTask): Promise<Buffer> {
    const worker = (this.worker ??= new TaskWorker<EncodeTask, Uint8Array>(this.script!, () => {
      // A worker that died is replaced by the next `encode`.
      if (this.worker === worker) this.worker = undefined;
    }));
    const data = await worker.run(task);
    return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  }

  /** Stops the worker; a day it was encoding is read on the main thread. */
  async close(): Promise<void> {
    this.closing = true;
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }
}

/** The compiled worker script (see `builtWorkerScript`). */
export function encoderScript(): string | null {
  return builtWorkerScript('stats/columns/columns-encoder-worker');
}
