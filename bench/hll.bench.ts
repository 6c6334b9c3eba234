/**
 * `npm run bench:hll`: the unique-visitor sketches of `src/stats/sketches/`. Builds sketches in
 * PostgreSQL from 1 M visitor rows (30 days, and 3 000 pages), times merging 30 and 365 dense
 * sketches and estimating in Node, and prints the error against `count(DISTINCT)` at several N.
 * Works in temporary tables only. DATABASE_URL (unset: a throw-away embedded PostgreSQL).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { HyperLogLog } from '../src/stats/sketches/hyperloglog.js';
import { sketchesSql } from '../src/stats/sketches/hyperloglog-sql.js';
import { openBenchDatabase } from './bench-database.js';

const ROWS = 1_000_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Median wall time of `fn` in milliseconds. */
async function time(fn: () => unknown, runs: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(samples);
}

function randomHashes(count: number): bigint[] {
  const bytes = randomBytes(8 * count);
  return Array.from({ length: count }, (_, i) => bytes.readBigInt64BE(8 * i));
}

type Row = { key: number; sketch: Buffer };

async function buildSketches(client: pg.Client, table: string): Promise<Row[]> {
  const { rows } = await client.query<Row>(sketchesSql({ source: table, groupBy: ['key'] }));
  return rows;
}

/** `table(key, visitor_id)`: `visitors` random uuids spread round-robin over `groups` keys. */
async function fill(client: pg.Client, table: string, visitors: number, groups: number) {
  await client.query(`DROP TABLE IF EXISTS ${table}`);
  await client.query(
    `CREATE TEMP TABLE ${table} AS
       SELECT i % $2::int AS key, gen_random_uuid() AS visitor_id FROM generate_series(1, $1::int) i`,
    [visitors, groups],
  );
  await client.query(`ANALYZE ${table}`);
}

async function exactDistinct(client: pg.Client, table: string): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    `SELECT count(DISTINCT visitor_id) AS n FROM ${table}`,
  );
  return Number(rows[0].n);
}

async function run(client: pg.Client): Promise<void> {
  const { rows: version } = await client.query<{ server_version: string }>('SHOW server_version');
  console.log(`PostgreSQL ${version[0].server_version}, Node ${process.version}`);

  console.log(
    `\nBuilding sketches in SQL (${ROWS.toLocaleString('en')} visitor rows), median of 3:`,
  );
  await fill(client, 'days', ROWS, 30);
  let days: Row[] = [];
  const buildDays = await time(async () => (days = await buildSketches(client, 'days')), 3);
  console.log(`  30 days (dense):                 ${buildDays.toFixed(0)} ms`);
  await client.query(`SET work_mem = '64MB'`);
  const buildDaysMem = await time(() => buildSketches(client, 'days'), 3);
  await client.query('RESET work_mem');
  console.log(`  30 days, work_mem 64MB:          ${buildDaysMem.toFixed(0)} ms`);
  await fill(client, 'pages', ROWS, 3000);
  let pages: Row[] = [];
  const buildPages = await time(async () => (pages = await buildSketches(client, 'pages')), 3);
  console.log(`  3 000 pages (sparse, ~333 each): ${buildPages.toFixed(0)} ms`);
  const exactDays = await time(() => exactDistinct(client, 'days'), 3);
  console.log(`  for comparison, count(DISTINCT) of the 30 days' rows: ${exactDays.toFixed(0)} ms`);

  console.log('\nSketch sizes (bytea):');
  for (const n of [1, 100, 1000, 3072]) {
    console.log(
      `  sparse, ${n} visitors: ${HyperLogLog.fromHashes(randomHashes(n)).serialize().length} bytes`,
    );
  }
  console.log(`  dense (above 3 072 entries): ${days[0].sketch.length} bytes`);
  const pageBytes = pages.reduce((sum, { sketch }) => sum + sketch.length, 0);
  console.log(
    `  the 3 000 page sketches: ${(pageBytes / pages.length).toFixed(0)} bytes on average`,
  );

  console.log('\nIn Node (median of 200 runs):');
  const year = Array.from({ length: 365 }, () =>
    HyperLogLog.fromHashes(randomHashes(5000)).serialize(),
  );
  const month = days.map(({ sketch }) => sketch);
  let merged = HyperLogLog.empty();
  const merge30 = await time(() => (merged = HyperLogLog.merge(month)), 200);
  const merge365 = await time(() => HyperLogLog.merge(year), 200);
  const estimateDense = await time(() => merged.estimate(), 200);
  const sparse = HyperLogLog.fromHashes(randomHashes(3000));
  const estimateSparse = await time(() => sparse.estimate(), 200);
  const merge30Pages = await time(
    () => HyperLogLog.merge(pages.slice(0, 30).map((row) => row.sketch)),
    200,
  );
  console.log(`  merge 30 dense sketches (bytea):   ${(merge30 * 1000).toFixed(0)} µs`);
  console.log(`  merge 365 dense sketches (bytea):  ${(merge365 * 1000).toFixed(0)} µs`);
  console.log(`  merge 30 sparse sketches (bytea):  ${(merge30Pages * 1000).toFixed(0)} µs`);
  console.log(`  estimate, dense:                   ${(estimateDense * 1000).toFixed(0)} µs`);
  console.log(`  estimate, sparse (3 000 entries):  ${(estimateSparse * 1000).toFixed(0)} µs`);

  console.log('\nError of the merged 30-day estimate against count(DISTINCT) (random uuids):');
  for (const n of [100, 1000, 10_000, 100_000, ROWS]) {
    const table = n === ROWS ? 'days' : 'errors';
    if (n !== ROWS) await fill(client, table, n, 30);
    const sketches = n === ROWS ? days : await buildSketches(client, table);
    const estimate = HyperLogLog.merge(sketches.map(({ sketch }) => sketch)).estimate();
    const exact = await exactDistinct(client, table);
    const error = (100 * (estimate - exact)) / exact;
    console.log(
      `  N = ${exact.toLocaleString('en').padStart(9)}: estimate ${estimate.toLocaleString('en').padStart(9)}, error ${error >= 0 ? '+' : ''}${error.toFixed(2)} %`,
    );
  }
}

async function main(): Promise<void> {
  const database = await openBenchDatabase(54_399);
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    await run(client);
  } finally {
    await client.end();
    await database.stop();
  }
}

await main();
