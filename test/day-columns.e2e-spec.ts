import type { NestExpressApplication } from '@nestjs/platform-express';
import pg from 'pg';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { RetentionJob } from '../src/sites/retention-job.js';
import { ColumnsEncoder, dayRowsOn, readDayColumns } from '../src/stats/columns/columns-encoder.js';
import { ColumnsReader } from '../src/stats/columns/columns-reader.js';
import { RollupJob } from '../src/stats/rollups/rollup-job.js';
import { RollupsService } from '../src/stats/rollups/rollups.service.js';
import { signedInUser, type SignedInUser } from './utils/auth.js';
import { CHROME_UA, makeEvent, makeSite } from './utils/factories.js';
import { FakeClock } from './utils/fake-clock.js';
import { createTestApp, dataSourceOf } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

const TIMEZONE = 'Europe/Berlin';
const FIREFOX_UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';

/**
 * The day columns: the rollup job writes them with each day's rollups, the breakdowns that no
 * rollup answers (a filter on one visit dimension, a breakdown by another) read them, and give
 * what the raw rows give, rows, order, ties, pages and search alike; a day without columns is
 * read raw, `check` compares them with the raw rows, and retention deletes them with the raw
 * rows they were made of.
 */
describe('stats day columns', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let dataSource: DataSource;
  let clock: FakeClock;
  let siteId: string;
  let viewer: SignedInUser;
  let job: RollupJob;
  let rollups: RollupsService;

  const moveTo = (iso: string) => clock.advance(Date.parse(iso) - clock.now().getTime());

  const view = async (
    iso: string,
    visitor: string,
    path: string,
    options: { referrer?: string; firefox?: boolean; width?: number; query?: string } = {},
  ) => {
    moveTo(iso);
    await request(app.getHttpServer())
      .post('/track')
      .set('User-Agent', options.firefox ? FIREFOX_UA : CHROME_UA)
      .set('Content-Type', 'text/plain')
      .send(
        JSON.stringify(
          makeEvent(siteId, {
            fingerprint: visitor,
            url: `https://example.com${path}${options.query ?? ''}`,
            referrer: options.referrer ?? '',
            screen_width: options.width ?? 1920,
          }),
        ),
      )
      .expect(202);
  };

  const breakdown = async (dimension: string, query: Record<string, string | string[]>) =>
    (
      await request(app.getHttpServer())
        .get(`/api/sites/${siteId}/stats/breakdown/${dimension}`)
        .query(query)
        .set('Cookie', viewer.cookie)
        .expect(200)
    ).body as { rows: Record<string, unknown>[]; hasMore: boolean };

  /** The same read with the site's day rollups set aside: what the raw rows give. */
  const fromRawRows = async <T>(read: () => Promise<T>): Promise<T> => {
    await dataSource.query(
      `CREATE TABLE set_aside AS SELECT * FROM stats_days WHERE site_id = $1`,
      [siteId],
    );
    await dataSource.query(`DELETE FROM stats_days WHERE site_id = $1`, [siteId]);
    try {
      return await read();
    } finally {
      await dataSource.query(`INSERT INTO stats_days SELECT * FROM set_aside`);
      await dataSource.query(`DROP TABLE set_aside`);
    }
  };

  const columnDays = async (): Promise<string[]> =>
    (
      await dataSource.query<{ day: string }[]>(
        `SELECT to_char(day, 'YYYY-MM-DD') AS day FROM stats_day_columns
          WHERE site_id = $1 ORDER BY day`,
        [siteId],
      )
    ).map((row) => row.day);

  const PERIOD = { period: 'custom', from: '2026-11-08', to: '2026-11-10' };
  /** Breakdowns under filters, sorts, pages and searches that no rollup answers. */
  const CASES: [string, Record<string, string | string[]>][] = [
    ['page', { ...PERIOD, filter: 'source:is:Google' }],
    ['page', { ...PERIOD, filter: 'browser:is:Firefox' }],
    ['page', { ...PERIOD, filter: 'browser:is_not:Firefox', order: 'asc' }],
    ['page', { ...PERIOD, filter: 'source:is:(none)', sort: 'pageviews' }],
    ['page', { ...PERIOD, filter: 'screen:is:mobile|desktop', limit: '2', page: '2' }],
    ['page', { ...PERIOD, filter: 'source:contains:oo', search: 'PRIC' }],
    ['entry_page', { ...PERIOD, filter: 'source:is:Google' }],
    ['exit_page', { ...PERIOD, filter: 'browser:is:Chrome', sort: 'visitDuration' }],
    ['hostname', { ...PERIOD, filter: 'source:is:Google' }],
    ['browser', { ...PERIOD, filter: 'source:is:Google', sort: 'bounceRate', order: 'asc' }],
    ['source', { ...PERIOD, filter: ['browser:is:Chrome', 'screen:is_not:mobile'] }],
    ['utm_source', { ...PERIOD, filter: 'entry_page:is:/blog*' }],
    ['country', { ...PERIOD, filter: 'source:is_not:Google', limit: '1' }],
    ['device', { period: '7d', filter: 'browser:is:Chrome' }],
    ['page', { ...PERIOD, filter: 'page:is:/pricing|/blog*' }],
    ['entry_page', { ...PERIOD, filter: ['source:is:Google', 'page:is:/pricing'] }],
    ['browser', { ...PERIOD, filter: 'page:contains:BLOG', sort: 'visits' }],
    ['hostname', { ...PERIOD, filter: ['hostname:is:example.com', 'page:is_not:/'] }],
    // Carl's visit started on the 8th and reached /pricing after midnight: a visit of the 8th.
    ['entry_page', { period: 'day', date: '2026-11-08', filter: 'page:is:/pricing' }],
  ];

  /** Summaries and timeseries under filters that no rollup answers. */
  const TOTALS: [string, Record<string, string | string[]>][] = [
    [
      'summary',
      { ...PERIOD, compare: 'previous', filter: ['browser:is:Chrome', 'screen:is:desktop'] },
    ],
    ['summary', { ...PERIOD, filter: 'page:is:/pricing' }],
    ['summary', { period: 'day', date: '2026-11-08', filter: 'page:is:/pricing' }],
    ['timeseries', { period: '7d', filter: ['source:is:Google', 'page:is:/*'] }],
    ['timeseries', { ...PERIOD, interval: 'week', filter: 'page:is:/pricing' }],
    [
      'timeseries',
      { period: '12mo', interval: 'month', filter: ['browser:is:Firefox', 'device:is:desktop'] },
    ],
  ];

  beforeAll(async () => {
    db = await createTestDatabase();
    clock = new FakeClock(Date.parse('2026-11-08T08:00:00Z'));
    app = await createTestApp({
      databaseUrl: db.url,
      clock,
      env: { STATS_ROLLUP_INTERVAL_SECONDS: '3600' },
    });
    dataSource = dataSourceOf(app);
    const site = await makeSite(dataSource, { timezone: TIMEZONE });
    siteId = site.id;
    viewer = await signedInUser(app, { accountId: site.accountId, role: 'viewer' });
    job = app.get(RollupJob);
    rollups = app.get(RollupsService);

    const google = { referrer: 'https://www.google.com/' };
    await view('2026-11-08T09:00:00Z', 'anna', '/', google);
    await view('2026-11-08T09:05:00Z', 'anna', '/pricing', google);
    await view('2026-11-08T09:06:00Z', 'anna', '/pricing', google);
    await view('2026-11-08T15:00:00Z', 'ben', '/blog', { firefox: true, width: 400 });
    await view('2026-11-08T15:10:00Z', 'ben', '/pricing', { firefox: true, width: 400 });
    // A visit that runs past midnight in Berlin (23:50 → 00:10).
    await view('2026-11-08T22:50:00Z', 'carl', '/docs', { ...google, firefox: true });
    await view('2026-11-08T23:10:00Z', 'carl', '/pricing', { ...google, firefox: true });
    await view('2026-11-09T10:00:00Z', 'anna', '/blog', { query: '?utm_source=news' });
    await view('2026-11-09T11:00:00Z', 'dora', '/pricing', {
      referrer: 'https://news.ycombinator.com/',
    });
    await view('2026-11-09T11:02:00Z', 'dora', '/docs', {
      referrer: 'https://news.ycombinator.com/',
    });
    await view('2026-11-10T07:00:00Z', 'emil', '/', { ...google, width: 400 });
    await view('2026-11-10T07:30:00Z', 'anna', '/blog/one', google);
    moveTo('2026-11-10T12:00:00Z');
    await job.run();
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('should write the columns of every day the job rolls up', async () => {
    expect(await columnDays()).toEqual(['2026-11-08', '2026-11-09', '2026-11-10']);
  });

  it.each(CASES)('should give the rows of the raw rows: %s %o', async (dimension, query) => {
    const fromColumns = await breakdown(dimension, query);
    expect(fromColumns).toEqual(await fromRawRows(() => breakdown(dimension, query)));
  });

  it.each(TOTALS)('should give the %s of the raw rows: %o', async (path, query) => {
    const read = async () =>
      (
        await request(app.getHttpServer())
          .get(`/api/sites/${siteId}/stats/${path}`)
          .query(query)
          .set('Cookie', viewer.cookie)
          .expect(200)
      ).body as unknown;
    expect(await read()).toEqual(await fromRawRows(read));
  });

  it('should count a visit past midnight where it started, its page views where they were', async () => {
    const day = (date: string) => ({ period: 'day', date, filter: 'browser:is:Firefox' });
    expect((await breakdown('entry_page', day('2026-11-08'))).rows).toEqual([
      { value: '/blog', visitors: 1, visits: 1, pageviews: 2, bounceRate: 0, visitDuration: 600 },
      { value: '/docs', visitors: 1, visits: 1, pageviews: 1, bounceRate: 0, visitDuration: 1200 },
    ]);
    expect((await breakdown('entry_page', day('2026-11-09'))).rows).toEqual([
      { value: '/docs', visitors: 1, visits: 0, pageviews: 1, bounceRate: 0, visitDuration: 0 },
    ]);
  });

  it('should read the columns, find them in check, and read raw rows for a day without them', async () => {
    const site = { id: siteId, timezone: TIMEZONE };
    // Columns that differ from the raw rows: `check` finds their day.
    await dataSource.query(
      `UPDATE stats_day_columns SET data = data || '\\x00'::bytea WHERE site_id = $1 AND day = '2026-11-08'`,
      [siteId],
    );
    expect((await rollups.check(site)).mismatched).toEqual(['2026-11-08']);

    const query = { ...PERIOD, filter: 'source:is:Google' };
    const before = await breakdown('browser', query);
    // Raw rows changed behind the job's back: the columns still answer, as they were.
    await dataSource.query(`UPDATE sessions SET browser = 'Opera' WHERE site_id = $1`, [siteId]);
    expect(await breakdown('browser', query)).toEqual(before);

    // Without one day's columns, the period is read raw (and shows the change).
    await dataSource.query(
      `DELETE FROM stats_day_columns WHERE site_id = $1 AND day = '2026-11-09'`,
      [siteId],
    );
    const raw = await breakdown('browser', query);
    expect(raw.rows.map((row) => row.value)).toEqual(['Opera']);
    // The job writes the missing columns at its next run; the others stay as they were.
    await job.run();
    expect(await columnDays()).toEqual(['2026-11-08', '2026-11-09', '2026-11-10']);
    await rollups.rebuild(site);
    expect(await breakdown('browser', query)).toEqual(raw);
    expect((await rollups.check(site)).mismatched).toEqual([]);
  });

  it('should read each day once when the panels of a dashboard ask for it at once', async () => {
    const query = { ...PERIOD, filter: 'source:is:Google' };
    const dimensions = ['page', 'entry_page', 'browser', 'os', 'device', 'country'];
    const alone = [];
    for (const dimension of dimensions) alone.push(await breakdown(dimension, query));
    // Rewritten rows (a new xmin): every day is read again from the database.
    await dataSource.query(`UPDATE stats_day_columns SET data = data WHERE site_id = $1`, [siteId]);
    const reader = ColumnsReader.prototype as unknown as {
      load: (...args: unknown[]) => Promise<unknown>;
    };
    const read = reader.load;
    // A slow read, as a big site's is: the other panels ask for the days meanwhile.
    const load = vi.spyOn(reader, 'load').mockImplementation(async function (
      this: unknown,
      ...args: unknown[]
    ) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return read.apply(this, args);
    });
    try {
      const together = await Promise.all(dimensions.map((d) => breakdown(d, query)));
      expect(together).toEqual(alone);
      const daysRead = load.mock.calls.flatMap((call) => call[1] as string[]);
      expect(daysRead.sort()).toEqual(['2026-11-08', '2026-11-09', '2026-11-10']);
    } finally {
      load.mockRestore();
    }
  });

  it("should read and encode a day on a worker thread, in the recomputing transaction's snapshot", async () => {
    const day = { siteId, day: '2026-11-08', timezone: TIMEZONE };
    const [stored] = await dataSource.query<{ data: Buffer }[]>(
      `SELECT data FROM stats_day_columns WHERE site_id = $1 AND day = $2`,
      [siteId, day.day],
    );
    const encoder = new ColumnsEncoder();
    expect(encoder.threaded).toBe(true);
    const recomputing = new pg.Client({ connectionString: db.url });
    await recomputing.connect();
    try {
      // What the job wrote (on the worker) is what the main thread encodes from the same rows.
      expect(await readDayColumns(dayRowsOn(recomputing, day))).toEqual(stored.data);
      await recomputing.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await recomputing.query('SELECT 1');
      // A change committed after the recomputing transaction took its snapshot …
      await dataSource.query(
        `UPDATE page_views SET path = '/changed' WHERE site_id = $1 AND path = '/blog'`,
        [siteId],
      );
      try {
        // … is not in the columns the worker reads in that snapshot, …
        const data = await encoder.encode(recomputing, day, { connectionString: db.url });
        expect(data).toEqual(stored.data);
        await recomputing.query('COMMIT');
        // … and is in a read made after it.
        expect(await readDayColumns(dayRowsOn(recomputing, day))).not.toEqual(stored.data);
        // A worker that cannot connect leaves the day to the main thread, in the same snapshot.
        await recomputing.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
        const unreachable = { connectionString: 'postgres://nobody@127.0.0.1:1/none' };
        expect(await encoder.encode(recomputing, day, unreachable)).toEqual(
          await readDayColumns(dayRowsOn(recomputing, day)),
        );
        await recomputing.query('COMMIT');
      } finally {
        await dataSource.query(
          `UPDATE page_views SET path = '/blog' WHERE site_id = $1 AND path = '/changed'`,
          [siteId],
        );
      }
    } finally {
      await recomputing.end();
      await encoder.close();
    }
  });

  it('should read a day again once it is recomputed', async () => {
    const query = { period: 'day', date: '2026-11-10', filter: 'source:is:Google' };
    const before = await breakdown('page', query);
    await view('2026-11-10T12:30:00Z', 'fred', '/blog/two', {
      referrer: 'https://www.google.com/',
    });
    await job.run();
    const after = await breakdown('page', query);
    expect(after.rows).toHaveLength(before.rows.length + 1);
    expect(after).toEqual(await fromRawRows(() => breakdown('page', query)));
  });

  it('should delete the columns of the days retention deletes the raw rows of', async () => {
    await dataSource.query(`UPDATE sites SET retention_months = 1 WHERE id = $1`, [siteId]);
    moveTo('2026-12-09T22:30:00Z');
    await app.get(RetentionJob).run();
    // 8 and 9 November (Berlin) start before the cutoff (9 November, 22:30 UTC); 10 November
    // does not.
    expect(await columnDays()).toEqual(['2026-11-10']);
    // The job does not write them again (it writes the new days').
    await job.run();
    const days = await columnDays();
    expect(days).toContain('2026-12-09');
    expect(days).not.toContain('2026-11-09');
    expect(days).not.toContain('2026-11-08');
  });
});
