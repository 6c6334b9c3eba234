/**
 * `npm run bench:columns`: how long the rollup job's reading and encoding of one day's columns
 * holds the main thread (the one that answers `/track`), on that thread and on the encoder's
 * worker thread (`ColumnsEncoder`). It needs data: the database of `npm run bench:stats`
 * (`BENCH_STATS_DATA_DIR`, a persistent embedded PostgreSQL it starts, or `DATABASE_URL`), and
 * reads the busiest day of its biggest site unless BENCH_SITE and BENCH_DAY name one.
 * BENCH_REPEAT (3) times each, alternating, each in a REPEATABLE READ transaction as the job's.
 */
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { EmbeddedDatabase } from '../src/database/embedded-database.js';
import {
  ColumnsEncoder,
  type ColumnsDay,
  dayRowsOn,
  readDayColumns,
} from '../src/stats/columns/columns-encoder.js';

const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const EMBEDDED_PORT = 54_398;

async function busiestDay(client: pg.Client): Promise<ColumnsDay> {
  const { rows } = await client.query<{ id: string; timezone: string; day: string }>(
    `SELECT s.id, s.timezone, to_char(d.day, 'YYYY-MM-DD') AS day
       FROM stats_days d JOIN sites s ON s.id = d.site_id
      WHERE ($1::uuid IS NULL OR s.id = $1) AND ($2::date IS NULL OR d.day = $2)
      ORDER BY d.pageviews DESC LIMIT 1`,
    [process.env.BENCH_SITE ?? null, process.env.BENCH_DAY ?? null],
  );
  if (!rows[0]) throw new Error('No rolled-up day found: run npm run bench:stats first.');
  return { siteId: rows[0].id, day: rows[0].day, timezone: rows[0].timezone };
}

async function main(): Promise<void> {
  let embedded: EmbeddedDatabase | undefined;
  let url = process.env.DATABASE_URL;
  if (!url) {
    const dataDir = process.env.BENCH_STATS_DATA_DIR;
    if (!dataDir) throw new Error('Set BENCH_STATS_DATA_DIR or DATABASE_URL (see the header).');
    embedded = await EmbeddedDatabase.start({ dataDir: resolve(dataDir), port: EMBEDDED_PORT });
    url = embedded.url;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const encoder = new ColumnsEncoder();
  try {
    const day = await busiestDay(client);
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM page_views
        WHERE site_id = $1 AND created_at >= $2::date::timestamp AT TIME ZONE $3
          AND created_at < ($2::date + 1)::timestamp AT TIME ZONE $3`,
      [day.siteId, day.day, day.timezone],
    );
    console.log(
      `Day ${day.day} of site ${day.siteId}: ${rows[0].n} page views; worker thread: ${encoder.threaded ? 'yes' : 'no (no built worker script)'}; Node ${process.version}`,
    );
    const measure = async (name: string, work: () => Promise<Buffer>): Promise<void> => {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await client.query('SELECT 1');
      const before = performance.eventLoopUtilization();
      const started = performance.now();
      const data = await work();
      const wall = performance.now() - started;
      const busy = performance.eventLoopUtilization(before).active;
      await client.query('COMMIT');
      console.log(
        `  ${name.padEnd(12)} ${wall.toFixed(0).padStart(6)} ms in all, main thread busy ${busy.toFixed(0).padStart(4)} ms, ${data.length} bytes`,
      );
    };
    for (let i = 0; i < REPEAT; i++) {
      await measure('main thread', () => readDayColumns(dayRowsOn(client, day)));
      await measure('worker', () => encoder.encode(client, day, { connectionString: url }));
    }
  } finally {
    await encoder.close();
    await client.end();
    await embedded?.stop();
  }
}

await main();
