import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { SitesService } from '../src/sites/sites.service.js';
import { RollupJob } from '../src/stats/rollups/rollup-job.js';
import { rollupSource } from '../src/stats/rollups/rollup-queries.js';
import { StatsPool } from '../src/stats/stats-pool.js';
import { StatsService } from '../src/stats/stats.service.js';
import { RollupsService } from '../src/stats/rollups/rollups.service.js';
import { type QueryScope, StatsQueryBuilder } from '../src/stats/stats-query.js';
import { signedInUser, type SignedInUser } from './utils/auth.js';
import { CHROME_UA, makeEvent, makeSite } from './utils/factories.js';
import { FakeClock } from './utils/fake-clock.js';
import { createTestApp, dataSourceOf } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

const TIMEZONE = 'Europe/Berlin';

/**
 * The rollups' life cycle: the job computes them, the stats read them, new traffic makes days
 * stale until the next run, a day without rollups is read raw, a timezone change drops them,
 * `check` finds a day that differs and `rebuild` mends it, and days whose raw rows are gone keep
 * theirs. Numbers are checked against the same API with the rollups gone (raw rows).
 */
describe('stats rollups', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let dataSource: DataSource;
  let clock: FakeClock;
  let siteId: string;
  let viewer: SignedInUser;
  let job: RollupJob;
  let rollups: RollupsService;

  const moveTo = (iso: string) => clock.advance(Date.parse(iso) - clock.now().getTime());

  const view = async (iso: string, visitor: string, path = '/', site = siteId) => {
    moveTo(iso);
    await request(app.getHttpServer())
      .post('/track')
      .set('User-Agent', CHROME_UA)
      .set('Content-Type', 'text/plain')
      .send(
        JSON.stringify(
          makeEvent(site, {
            fingerprint: visitor,
            url: `https://example.com${path}`,
            referrer: '',
          }),
        ),
      )
      .expect(202);
  };

  const summary = async (query: Record<string, string>) =>
    (
      await request(app.getHttpServer())
        .get(`/api/sites/${siteId}/stats/summary`)
        .query(query)
        .set('Cookie', viewer.cookie)
        .expect(200)
    ).body.metrics as Record<string, number>;

  const breakdown = async (dimension: string, query: Record<string, string>, site = siteId) =>
    (
      await request(app.getHttpServer())
        .get(`/api/sites/${site}/stats/breakdown/${dimension}`)
        .query(query)
        .set('Cookie', viewer.cookie)
        .expect(200)
    ).body.rows as Record<string, unknown>[];

  const rollupDays = async (): Promise<string[]> =>
    (
      await dataSource.query<{ day: string }[]>(
        `SELECT to_char(day, 'YYYY-MM-DD') AS day FROM stats_days WHERE site_id = $1 ORDER BY day`,
        [siteId],
      )
    ).map((row) => row.day);

  /** The same read with the site's day rollups set aside: what the raw rows give. */
  const fromRawRows = async <T>(read: () => Promise<T>, site = siteId): Promise<T> => {
    await dataSource.query(
      `CREATE TABLE set_aside AS SELECT * FROM stats_days WHERE site_id = $1`,
      [site],
    );
    await dataSource.query(`DELETE FROM stats_days WHERE site_id = $1`, [site]);
    try {
      return await read();
    } finally {
      await dataSource.query(`INSERT INTO stats_days SELECT * FROM set_aside`);
      await dataSource.query(`DROP TABLE set_aside`);
    }
  };

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

    // Three days in Berlin: 8, 9 and 10 November.
    await view('2026-11-08T09:00:00Z', 'anna', '/');
    await view('2026-11-08T09:05:00Z', 'anna', '/pricing');
    await view('2026-11-08T15:00:00Z', 'ben', '/blog');
    await view('2026-11-09T10:00:00Z', 'anna', '/');
    await view('2026-11-09T11:00:00Z', 'carl', '/pricing');
    await view('2026-11-09T11:02:00Z', 'carl', '/docs');
    await view('2026-11-10T07:00:00Z', 'dora', '/');
    moveTo('2026-11-10T12:00:00Z');
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('should compute every day of the data up to today in one run of the job', async () => {
    expect(await rollupDays()).toEqual([]);
    expect(await job.run()).toEqual({
      ran: true,
      days: 3,
      missingLeft: 0,
      // The week that ends on Sunday 8 November, the first day of data: closed and settled.
      spans: 1,
      spansLeft: false,
    });
    expect(await rollupDays()).toEqual(['2026-11-08', '2026-11-09', '2026-11-10']);
    // A second run finds nothing new to do.
    expect(await job.run()).toMatchObject({ ran: true, days: 0, missingLeft: 0 });
  });

  it('should give the numbers of the raw rows from the rollups', async () => {
    const query = { period: '7d' };
    const fromRollups = await summary(query);
    expect(fromRollups).toMatchObject({ visitors: 4, visits: 5, pageviews: 7 });
    expect(fromRollups).toEqual(await fromRawRows(() => summary(query)));
    const pages = await breakdown('page', query);
    expect(pages).toEqual(await fromRawRows(() => breakdown('page', query)));
    expect(pages[0]).toEqual({ value: '/', visitors: 2, visits: 3, pageviews: 3 });
  });

  it('should read the rollups, and raw rows for a day that has none', async () => {
    const query = { period: 'custom', from: '2026-11-08', to: '2026-11-10' };
    await dataSource.query(
      `UPDATE stats_days SET pageviews = pageviews + 1000 WHERE site_id = $1 AND day = '2026-11-09'`,
      [siteId],
    );
    // The stats read what the rollups say: proof that they are read.
    expect((await summary(query)).pageviews).toBe(1007);
    // `check` finds the day that differs from the raw rows.
    const check = await rollups.check({ id: siteId, timezone: TIMEZONE });
    expect(check.mismatched).toEqual(['2026-11-09']);
    expect(check.missing).toEqual([]);
    // A drill-down (versions of one browser) reads the rollup rows of the versions, which keep
    // their browser.
    await dataSource.query(
      `UPDATE stats_day_values SET pageviews = pageviews + 500
        WHERE site_id = $1 AND dimension = 'browser_version' AND day = '2026-11-09'`,
      [siteId],
    );
    const versions = await breakdown('browser_version', { ...query, filter: 'browser:is:Chrome' });
    expect(versions).toEqual([expect.objectContaining({ value: '131.0.0.0', pageviews: 507 })]);
    // A period with a day that has no rollup reads the raw rows, and is right.
    await dataSource.query(`DELETE FROM stats_days WHERE site_id = $1 AND day = '2026-11-10'`, [
      siteId,
    ]);
    expect((await summary(query)).pageviews).toBe(7);
    expect((await rollups.check({ id: siteId, timezone: TIMEZONE })).missing).toEqual([
      '2026-11-10',
    ]);
    // The rebuild mends all of it.
    clock.advance(1000);
    expect(await rollups.rebuild({ id: siteId, timezone: TIMEZONE })).toBe(3);
    expect((await summary(query)).pageviews).toBe(7);
    const after = await rollups.check({ id: siteId, timezone: TIMEZONE });
    expect(after).toMatchObject({ mismatched: [], missing: [] });
    // 8 and 9 November are settled (checked), today is not.
    expect(after.checked).toBe(2);
  });

  it('should resume an interrupted rebuild, skipping the days it did', async () => {
    clock.advance(1000);
    await dataSource.query(`UPDATE sites SET stats_rebuild_started_at = $2 WHERE id = $1`, [
      siteId,
      new Date(clock.now().getTime() - 1000),
    ]);
    // As if the interrupted rebuild had done today before it stopped.
    await rollups.recomputeDay({ id: siteId, timezone: TIMEZONE }, '2026-11-10');
    expect(await rollups.rebuild({ id: siteId, timezone: TIMEZONE })).toBe(2);
    const [{ started }] = await dataSource.query<{ started: Date | null }[]>(
      `SELECT stats_rebuild_started_at AS started FROM sites WHERE id = $1`,
      [siteId],
    );
    expect(started).toBeNull();
  });

  it('should bring today up to date at the next run, and the day a visit started when it runs past midnight', async () => {
    await view('2026-11-10T22:50:00Z', 'eve', '/'); // 23:50 in Berlin
    // Until the job runs, today's figures are those of its last run.
    const today = { period: 'day', date: '2026-11-10' };
    expect((await summary(today)).pageviews).toBe(1);
    expect(await job.run()).toMatchObject({ days: 1 });
    expect(await summary(today)).toMatchObject({ visitors: 2, visits: 2, pageviews: 2 });

    // Eve's visit goes on after midnight: 11 November, and her visit of the 10th, change.
    await view('2026-11-10T23:10:00Z', 'eve', '/pricing');
    const run = await job.run();
    expect(run.days).toBe(2);
    expect(await rollupDays()).toContain('2026-11-11');
    const tenth = await summary(today);
    expect(tenth).toEqual(await fromRawRows(() => summary(today)));
    // Eve's visit belongs to the 10th with its two page views and 20 minutes.
    expect(tenth).toMatchObject({ visits: 2, pageviews: 2, viewsPerVisit: 1.5, bounceRate: 50 });
    expect((await summary({ period: 'day', date: '2026-11-11' })).pageviews).toBe(1);
  });

  it('should keep the rollups of days whose raw rows are gone, and start period=all there', async () => {
    moveTo('2026-11-11T12:00:00Z');
    await job.run();
    // As retention does: the raw rows of 8 November go, its rollups stay.
    await dataSource.query(
      `DELETE FROM sessions WHERE site_id = $1 AND started_at < '2026-11-08T23:00:00Z'`,
      [siteId],
    );
    const eighth = await summary({ period: 'day', date: '2026-11-08' });
    expect(eighth).toMatchObject({ visitors: 2, visits: 2, pageviews: 3 });
    const all = await request(app.getHttpServer())
      .get(`/api/sites/${siteId}/stats/summary`)
      .query({ period: 'all' })
      .set('Cookie', viewer.cookie)
      .expect(200);
    expect(all.body.period).toMatchObject({ from: '2026-11-08', to: '2026-11-11' });
    expect(all.body.metrics.pageviews).toBe(9);
  });

  it('should let reads that ask at once share one bounds query, and ask anew afterwards', async () => {
    const stats = app.get(StatsService);
    const query = vi.spyOn(app.get(StatsPool), 'query');
    const boundsQueries = () =>
      query.mock.calls.filter(([, , name]) => name === 'trackveil_stats_bounds').length;
    const request = {
      period: '7d',
      compare: 'previous',
      filters: undefined,
      timezone: TIMEZONE,
    } as const;
    try {
      const answers = await Promise.all([1, 2, 3].map(() => stats.summary(siteId, request)));
      expect(boundsQueries()).toBe(1);
      expect(answers[1]).toEqual(answers[0]);
      expect(answers[2]).toEqual(answers[0]);
      // Nothing is kept once answered: each later read asks again (rollups may be gone by then).
      expect(await stats.summary(siteId, request)).toEqual(answers[0]);
      expect(boundsQueries()).toBe(2);
      await stats.summary(siteId, request);
      expect(boundsQueries()).toBe(3);
    } finally {
      query.mockRestore();
    }
  });

  it('should drop the rollups when the timezone changes, read raw rows, then recompute', async () => {
    const before = await summary({ period: '7d' });
    await app.get(SitesService).update(siteId, { timezone: 'Asia/Tokyo' });
    expect(await rollupDays()).toEqual([]);
    const raw = await summary({ period: '7d' });
    expect(await job.run()).toMatchObject({ ran: true, missingLeft: 0 });
    // Days from the first raw page view left (9 November in Tokyo) to today.
    expect(await rollupDays()).toEqual(['2026-11-09', '2026-11-10', '2026-11-11']);
    expect(await summary({ period: '7d' })).toEqual(raw);
    // The 8th's rows were deleted above: only what the raw rows still hold counts now.
    expect(raw.pageviews).toBe(before.pageviews - 3);
  });

  it('should rank a breakdown by visitors as the raw rows do when daily counts mislead', async () => {
    // Eight pages seen by the same two visitors every day (6 daily visitors in all, 2 in fact)
    // rank before /top in SQL (5 daily visitors, 5 in fact): merging must go past them.
    const other = await makeSite(dataSource, {
      accountId: (
        await dataSource.query<{ account_id: string }[]>(
          `SELECT account_id FROM sites WHERE id = $1`,
          [siteId],
        )
      )[0].account_id,
    });
    const days = ['2026-11-20', '2026-11-21', '2026-11-22'];
    for (const [index, day] of days.entries()) {
      for (let page = 1; page <= 8; page++) {
        await view(`${day}T09:0${page}:00Z`, 'regular-1', `/decoy-${page}`, other.id);
        await view(`${day}T10:0${page}:00Z`, 'regular-2', `/decoy-${page}`, other.id);
      }
      for (const visitor of index < 2 ? [`new-${index}-a`, `new-${index}-b`] : ['new-2-a']) {
        await view(`${day}T11:00:00Z`, visitor, '/top', other.id);
      }
    }
    moveTo('2026-11-22T12:00:00Z');
    await job.run();
    const query = { period: 'custom', from: days[0], to: days[2], limit: '1' };
    const top = await breakdown('page', query, other.id);
    expect(top).toEqual([{ value: '/top', visitors: 5, visits: 5, pageviews: 5 }]);
    for (const asked of [query, { ...query, page: '2' }, { ...query, order: 'asc' }]) {
      expect(await breakdown('page', asked, other.id)).toEqual(
        await fromRawRows(() => breakdown('page', asked, other.id), other.id),
      );
    }
  });

  it('should build closed weeks and months from their days, read them, and drop one when a day of it is recomputed', async () => {
    const accountId = (
      await dataSource.query<{ account_id: string }[]>(
        `SELECT account_id FROM sites WHERE id = $1`,
        [siteId],
      )
    )[0].account_id;
    const other = await makeSite(dataSource, { accountId, timezone: TIMEZONE });
    const site = { id: other.id, timezone: TIMEZONE };
    const visits: [string, string, string][] = [
      ['2026-11-26T10:00:00Z', 'ina', '/'],
      ['2026-11-27T10:00:00Z', 'ina', '/pricing'],
      ['2026-11-27T11:00:00Z', 'jo', '/'],
      ['2026-11-30T10:00:00Z', 'ina', '/'],
      ['2026-12-03T10:00:00Z', 'kai', '/docs'],
      ['2026-12-03T10:03:00Z', 'kai', '/pricing'],
      ['2026-12-07T10:00:00Z', 'jo', '/'],
      ['2026-12-09T10:00:00Z', 'lu', '/blog'],
    ];
    for (const [at, visitor, path] of visits) await view(at, visitor, path, other.id);
    moveTo('2026-12-16T12:00:00Z');
    // Up to 8 spans a run: the second builds the rest, and the live runs once their closed
    // runs are there.
    await job.run();
    await job.run();
    // Weeks have passed: the viewer signs in again.
    viewer = await signedInUser(app, { accountId, role: 'viewer' });
    const spans = async () =>
      (
        await dataSource.query<{ span: string }[]>(
          `SELECT kind || ':' || to_char(start, 'YYYY-MM-DD') AS span FROM stats_spans
            WHERE site_id = $1`,
          [other.id],
        )
      )
        .map((row) => row.span)
        .sort();
    // Settled and whole from the first day of data on; December and this week are still open.
    // The runs up to yesterday of the last 30 days (from the first day of data), 7 days and this
    // month, the 7 days before the last 7, and the 5 and 11 whole months before this one; the 30
    // days before the last 30 have no data. The live runs of the last 30 and 7 days and of this
    // month, today included.
    const built = [
      'd153:2026-07-01',
      'd15:2026-12-01',
      'd16:2026-12-01',
      'd29:2026-11-17',
      'd30:2026-11-17',
      'd334:2026-01-01',
      'd6:2026-12-10',
      'd7:2026-12-03',
      'd7:2026-12-10',
      'month:2026-11-01',
      'week:2026-11-23',
      'week:2026-11-30',
      'week:2026-12-07',
    ];
    expect(await spans()).toEqual(built);
    const otherSummary = async (query: Record<string, string>) =>
      (
        await request(app.getHttpServer())
          .get(`/api/sites/${other.id}/stats/summary`)
          .query(query)
          .set('Cookie', viewer.cookie)
          .expect(200)
      ).body.metrics as Record<string, number>;
    for (const [from, to] of [
      ['2026-11-26', '2026-12-15'],
      ['2026-11-01', '2026-12-13'],
    ]) {
      const query = { period: 'custom', from, to };
      const raw = await fromRawRows(() => otherSummary(query), other.id);
      expect(await otherSummary(query)).toEqual(raw);
      for (const dimension of ['page', 'entry_page', 'source']) {
        expect(await breakdown(dimension, query, other.id)).toEqual(
          await fromRawRows(() => breakdown(dimension, query, other.id), other.id),
        );
      }
      expect(
        await breakdown('page', { ...query, filter: 'source:is:Direct / None' }, other.id),
      ).toEqual(
        await fromRawRows(
          () => breakdown('page', { ...query, filter: 'source:is:Direct / None' }, other.id),
          other.id,
        ),
      );
    }
    // Timeseries by week and by month read the spans that are whole buckets.
    for (const interval of ['week', 'month']) {
      const series = async () =>
        (
          await request(app.getHttpServer())
            .get(`/api/sites/${other.id}/stats/timeseries`)
            .query({ period: 'custom', from: '2026-11-01', to: '2026-12-13', interval })
            .set('Cookie', viewer.cookie)
            .expect(200)
        ).body.points as Record<string, unknown>[];
      const points = await series();
      expect(points).toEqual(await fromRawRows(series, other.id));
      expect(points.reduce((sum, point) => sum + Number(point.pageviews), 0)).toBe(8);
    }
    expect(await otherSummary({ period: 'month', date: '2026-11-15' })).toMatchObject({
      visitors: 2,
      visits: 4,
      pageviews: 4,
    });
    // The stats read the span: proof that it is read.
    const week = { period: 'custom', from: '2026-11-30', to: '2026-12-06' };
    await dataSource.query(
      `UPDATE stats_spans SET pageviews = pageviews + 1000
        WHERE site_id = $1 AND kind = 'week' AND start = '2026-11-30'`,
      [other.id],
    );
    expect((await otherSummary(week)).pageviews).toBe(1003);
    const weekly = await request(app.getHttpServer())
      .get(`/api/sites/${other.id}/stats/timeseries`)
      .query({ period: 'custom', from: '2026-11-01', to: '2026-12-13', interval: 'week' })
      .set('Cookie', viewer.cookie)
      .expect(200);
    expect(weekly.body.points).toContainEqual(
      expect.objectContaining({ date: '2026-11-30', pageviews: 1003 }),
    );
    // `check` finds it: the span is not the merge of its days.
    expect(await rollups.check(site)).toMatchObject({
      spans: built.length,
      mismatched: ['week:2026-11-30'],
      missing: [],
    });
    // Recomputing a day drops the spans that hold it, runs too; the next runs build them again
    // (a live run once its closed run is back).
    await rollups.recomputeDay(site, '2026-12-03');
    expect(await spans()).toEqual([
      'd153:2026-07-01',
      'd334:2026-01-01',
      'd6:2026-12-10',
      'd7:2026-12-10',
      'month:2026-11-01',
      'week:2026-11-23',
      'week:2026-12-07',
    ]);
    expect((await otherSummary(week)).pageviews).toBe(3);
    await job.run();
    await job.run();
    expect(await spans()).toEqual(built);
    expect((await otherSummary(week)).pageviews).toBe(3);

    // The last 30 days read their live run (their closed run up to yesterday merged with today):
    // the same numbers as the raw rows, for the comparison and the breakdowns too.
    await view('2026-12-16T12:30:00Z', 'mo', '/pricing', other.id);
    await job.run();
    expect(await spans()).toEqual(built);
    const thirty = { period: '30d', compare: 'previous' };
    const summaryWithComparison = async () =>
      (
        await request(app.getHttpServer())
          .get(`/api/sites/${other.id}/stats/summary`)
          .query(thirty)
          .set('Cookie', viewer.cookie)
          .expect(200)
      ).body as Record<string, unknown>;
    expect(await summaryWithComparison()).toEqual(
      await fromRawRows(summaryWithComparison, other.id),
    );
    // One row per value: only the rows asked for are ranked, pages and ties as the raw rows.
    for (const [dimension, query] of [
      ['page', { period: '30d' }],
      ['source', { period: '30d' }],
      ['page', { period: '30d', limit: '1', page: '2' }],
      ['page', { period: '30d', limit: '1', order: 'asc' }],
    ] as const) {
      expect(await breakdown(dimension, query, other.id)).toEqual(
        await fromRawRows(() => breakdown(dimension, query, other.id), other.id),
      );
    }
    await dataSource.query(
      `UPDATE stats_spans SET pageviews = pageviews + 1000
        WHERE site_id = $1 AND kind = 'd30' AND start = '2026-11-17'`,
      [other.id],
    );
    expect((await otherSummary({ period: '30d' })).pageviews).toBe(1009);
    expect((await rollups.check(site)).mismatched).toEqual(['d30:2026-11-17']);
    // Recomputing today merges the live runs again in the same transaction: never missing.
    await rollups.recomputeDay(site, '2026-12-16');
    expect(await spans()).toContain('d30:2026-11-17');
    expect((await otherSummary({ period: '30d' })).pageviews).toBe(9);
    // A day later the runs move on: yesterday's go, today's are built.
    // The closed run of this month so far up to yesterday stays (the live run of yesterday
    // held those days); the live runs follow their closed runs a run of the job later.
    moveTo('2026-12-17T12:00:00Z');
    await job.run();
    await job.run();
    expect((await spans()).filter((span) => span.startsWith('d'))).toEqual([
      'd153:2026-07-01',
      'd16:2026-12-01',
      'd17:2026-12-01',
      'd29:2026-11-18',
      'd30:2026-11-18',
      'd334:2026-01-01',
      'd6:2026-12-11',
      'd7:2026-12-04',
      'd7:2026-12-11',
    ]);
    expect(await rollups.check(site)).toMatchObject({ mismatched: [], missing: [] });
    expect((await otherSummary({ period: '30d' })).pageviews).toBe(9);

    // A span listed when a request began, then deleted (a day of it recomputed) before the
    // request reads it: the read takes its days instead, in the same statement.
    const scope: QueryScope = {
      siteId: other.id,
      from: new Date('2026-11-29T23:00:00Z'),
      to: new Date('2026-12-06T23:00:00Z'),
      timezone: TIMEZONE,
      filters: [],
      goals: [],
      days: { first: '2026-11-30', last: '2026-12-06' },
      covered: true,
      spans: new Set(['week:2026-11-30']),
    };
    const weekPageviews = async () => {
      const query = new StatsQueryBuilder(scope);
      const [row] = await dataSource.query<{ n: number }[]>(
        `SELECT sum(pageviews)::int AS n FROM (${rollupSource(query, scope, null)}) r`,
        query.params,
      );
      return row.n;
    };
    expect(await weekPageviews()).toBe(3);
    for (const table of ['stats_span_values', 'stats_spans']) {
      await dataSource.query(
        `DELETE FROM ${table} WHERE site_id = $1 AND kind = 'week' AND start = '2026-11-30'`,
        [other.id],
      );
    }
    expect(await weekPageviews()).toBe(3);
  });
});
