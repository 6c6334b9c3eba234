import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { FilteredTrafficService } from '../src/filtered-traffic/filtered-traffic.service.js';
import { GoalsService } from '../src/goals/goals.service.js';
import { RollupJob } from '../src/stats/rollups/rollup-job.js';
import { signedInUser, type SignedInUser } from './utils/auth.js';
import { CHROME_UA, IPHONE_UA, makeSite } from './utils/factories.js';
import { FakeClock } from './utils/fake-clock.js';
import {
  type EventRow,
  local,
  type ModelFilter,
  type ModelGoal,
  type PageViewRow,
  type SessionRow,
  StatsModel,
} from './utils/stats-model.js';
import { createTestApp, dataSourceOf } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

const TIMEZONE = 'America/New_York';
const FIREFOX_MAC_UA =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:132.0) Gecko/20100101 Firefox/132.0';
const ANDROID_UA =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';
const BOT_UA = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
const UAS = [CHROME_UA, IPHONE_UA, FIREFOX_MAC_UA, ANDROID_UA];
const SCREENS = [1920, 390, 1366, 820, 2560];
const PAGES = ['/', '/pricing', '/blog/one', '/blog/two', '/docs/start', '/about'];
const REFERRERS = [
  '',
  'https://www.google.com/',
  'https://news.ycombinator.com/item?id=42',
  'https://t.co/abc',
  'https://duckduckgo.com/',
];

/** A small seeded generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

interface Hit {
  at: number;
  body: Record<string, unknown>;
  ua: string;
  ip: string;
}

/**
 * A week of traffic around the end of daylight saving time in New York (2026-11-01, 02:00 EDT
 * becomes 01:00 EST): visitors with several visits, visits across local midnight, campaigns,
 * custom events with properties, and traffic that must not count (bots, referrer spam).
 */
function traffic(siteId: string): Hit[] {
  const rand = random(7);
  const pick = <T>(items: T[]): T => items[Math.floor(rand() * items.length)];
  const hits: Hit[] = [];
  const start = Date.parse('2026-10-26T04:00:00Z');
  const end = Date.parse('2026-11-04T18:00:00Z');
  for (let v = 0; v < 70; v += 1) {
    const ua = UAS[v % UAS.length];
    const screen = SCREENS[v % SCREENS.length];
    // Addresses in Germany, the UK, the US, Japan, Brazil, and a documentation range (unknown).
    const ip = [
      `194.25.0.${v}`,
      `81.2.69.${v}`,
      `8.8.8.${v}`,
      `133.11.0.${v}`,
      `200.147.0.${v}`,
      `203.0.113.${v}`,
    ][v % 6];
    const fingerprint = `visitor-${v}`;
    let at = start + Math.floor(rand() * (end - start) * 0.6);
    const visits = 1 + Math.floor(rand() * 3);
    for (let s = 0; s < visits && at < end; s += 1) {
      // Some visits start just before local midnight and go on past it.
      const acrossMidnight = v % 9 === 0 && s === 0;
      if (acrossMidnight) {
        const day = local(new Date(at), TIMEZONE).date;
        at = Date.parse(`${day}T23:50:00-05:00`);
        if (local(new Date(at), TIMEZONE).hour === '00') at -= 3_600_000; // EDT, UTC-4
      }
      const referrer = pick(REFERRERS);
      const campaign =
        rand() < 0.25 ? `?utm_source=newsletter&utm_medium=email&utm_campaign=fall${s}` : '';
      const views = acrossMidnight ? 4 : 1 + Math.floor(rand() * 4);
      for (let p = 0; p < views; p += 1) {
        const path = pick(PAGES);
        hits.push({
          at,
          ua,
          ip,
          body: {
            site_id: siteId,
            url: `https://example.com${path}${p === 0 ? campaign : ''}`,
            referrer: p === 0 ? referrer : 'https://example.com/',
            screen_width: screen,
            screen_height: 900,
            fingerprint,
          },
        });
        if (rand() < 0.2) {
          hits.push({
            at: at + 5000,
            ua,
            ip,
            body: {
              site_id: siteId,
              type: 'event',
              name: rand() < 0.6 ? 'Signup' : 'Download',
              props: rand() < 0.5 ? { plan: 'pro' } : { plan: 'free', seats: 3 },
              url: `https://example.com${path}`,
              fingerprint,
            },
          });
        }
        at += (acrossMidnight ? 5 : 1 + Math.floor(rand() * 9)) * 60_000;
      }
      at += (2 + Math.floor(rand() * 30)) * 3_600_000;
    }
  }
  // Never counted: a crawler and referrer spam.
  for (let i = 0; i < 5; i += 1) {
    hits.push({
      at: start + i * 86_400_000,
      ua: BOT_UA,
      ip: '198.51.100.1',
      body: { site_id: siteId, url: 'https://example.com/', fingerprint: 'bot' },
    });
    hits.push({
      at: start + i * 86_400_000 + 1000,
      ua: CHROME_UA,
      ip: '198.51.100.2',
      body: {
        site_id: siteId,
        url: 'https://example.com/',
        referrer: 'https://007agent-i.fr/',
        fingerprint: 'spam',
      },
    });
  }
  return hits.sort((a, b) => a.at - b.at);
}

/**
 * Every check runs twice: on the raw tables (rollups off), and with rollups on after the rollup
 * job has computed every day, so the rollups must give the same numbers.
 */
describe.each([
  { reading: 'raw rows', rollups: false },
  { reading: 'rollups', rollups: true },
])('the stats API, reading $reading', ({ rollups }) => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let dataSource: DataSource;
  let clock: FakeClock;
  let siteId: string;
  let viewer: SignedInUser;
  let model: StatsModel;
  let rows: { sessions: SessionRow[]; pageViews: PageViewRow[]; events: EventRow[] };

  const moveTo = (at: number) => clock.advance(at - clock.now().getTime());

  const get = (path: string, query: Record<string, string | string[]> = {}) =>
    request(app.getHttpServer())
      .get(`/api/sites/${siteId}/stats/${path}`)
      .query(query)
      .set('Cookie', viewer.cookie);

  beforeAll(async () => {
    db = await createTestDatabase();
    clock = new FakeClock(Date.parse('2026-10-20T00:00:00Z'));
    app = await createTestApp({
      databaseUrl: db.url,
      clock,
      // With rollups on, the job runs only when the test says (its interval is an hour).
      env: {
        LOG_LEVEL: 'error',
        TRUST_PROXY: '1',
        STATS_ROLLUP_INTERVAL_SECONDS: rollups ? '3600' : '0',
      },
    });
    dataSource = dataSourceOf(app);
    const site = await makeSite(dataSource, { timezone: TIMEZONE });
    siteId = site.id;

    for (const hit of traffic(siteId)) {
      moveTo(hit.at);
      const res = await request(app.getHttpServer())
        .post('/track')
        .set('User-Agent', hit.ua)
        .set('X-Forwarded-For', hit.ip)
        .set('Content-Type', 'text/plain')
        .send(JSON.stringify(hit.body));
      expect([202, 204]).toContain(res.status);
    }
    moveTo(Date.parse('2026-11-04T20:00:00Z'));
    if (rollups) {
      const run = await app.get(RollupJob).run();
      // Every day from the first page view (2026-10-26 in New York) to today, 2026-11-04; the
      // spans closed since: October and the week of 26 October; and the runs of the periods a
      // dashboard opens on, up to yesterday: the last 30 days (from the first day of data), 7
      // days, this month (3 days), the 7 days before the last 7 (their comparison), and the 5
      // and 11 whole months before this one (October, from its first day of data).
      expect(run).toEqual({ ran: true, days: 10, missingLeft: 0, spans: 8, spansLeft: true });
      // The next run merges the live runs of those periods, today included, from their closed
      // runs and today: the last 30 days, 7 days and this month then read one row per value.
      expect(await app.get(RollupJob).run()).toMatchObject({ spans: 3, spansLeft: false });
    }
    viewer = await signedInUser(app, { accountId: site.accountId, role: 'viewer' });

    rows = {
      sessions: await dataSource.query(`SELECT * FROM sessions WHERE site_id = $1`, [siteId]),
      pageViews: await dataSource.query(
        `SELECT created_at, visitor_id, session_id, path, hostname FROM page_views WHERE site_id = $1`,
        [siteId],
      ),
      events: await dataSource.query(
        `SELECT created_at, visitor_id, session_id, name, props, path, hostname FROM events WHERE site_id = $1`,
        [siteId],
      ),
    };
    model = new StatsModel(rows, TIMEZONE);
    for (const goal of GOALS) {
      await app.get(GoalsService).create(siteId, {
        eventName: goal.eventName ?? undefined,
        pagePath: goal.pagePath ?? undefined,
        displayName: goal.name === goal.eventName ? undefined : goal.name,
      });
    }
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('should have stored the traffic the checks below are made on', () => {
    expect(rows.pageViews.length).toBeGreaterThan(200);
    expect(rows.events.length).toBeGreaterThan(20);
    // Visits that run past local midnight, and traffic on the day of the clock change.
    expect(
      rows.sessions.some(
        (s) => local(s.started_at, TIMEZONE).date !== local(s.last_activity_at, TIMEZONE).date,
      ),
    ).toBe(true);
    expect(rows.pageViews.some((v) => local(v.created_at, TIMEZONE).date === '2026-11-01')).toBe(
      true,
    );
    // Bots and spam were not stored.
    expect(rows.pageViews.length).toBe(
      traffic(siteId).filter(
        (h) =>
          h.ua !== BOT_UA &&
          !String(h.body.referrer).includes('007agent') &&
          h.body.type !== 'event',
      ).length,
    );
  });

  const GOALS: ModelGoal[] = [
    { name: 'Signup', eventName: 'Signup', pagePath: null },
    { name: 'Read the blog', eventName: null, pagePath: '/blog/*' },
  ];

  const FILTER_SETS: {
    name: string;
    query: string[];
    model: ModelFilter[];
    goals?: ModelGoal[][];
  }[] = [
    { name: 'no filter', query: [], model: [] },
    {
      name: 'a visit filter',
      query: ['browser:is:Chrome'],
      model: [{ dimension: 'browser', operator: 'is', values: ['Chrome'] }],
    },
    {
      name: 'a page filter with a wildcard',
      query: ['page:is:/blog/*'],
      model: [{ dimension: 'page', operator: 'is', values: ['/blog/*'] }],
    },
    {
      name: 'an event filter',
      query: ['event:is:Signup'],
      model: [{ dimension: 'event', operator: 'is', values: ['Signup'] }],
    },
    {
      name: 'three filters with several values, is_not and contains',
      query: ['device:is:desktop|mobile', 'utm_source:is_not:(none)', 'entry_page:contains:O'],
      model: [
        { dimension: 'device', operator: 'is', values: ['desktop', 'mobile'] },
        { dimension: 'utm_source', operator: 'is_not', values: [null] },
        { dimension: 'entry_page', operator: 'contains', values: ['O'] },
      ],
    },
    {
      name: 'a goal filter of either goal',
      query: ['goal:is:Signup|Read the blog'],
      model: [],
      goals: [GOALS],
    },
    {
      name: 'a page goal filter and a visit filter',
      query: ['goal:is:Read the blog', 'device:is:mobile'],
      model: [{ dimension: 'device', operator: 'is', values: ['mobile'] }],
      goals: [[GOALS[1]]],
    },
    {
      name: 'a country filter and a located-visitors filter',
      query: ['country:is:DE|GB|(none)', 'screen:is_not:mobile'],
      model: [
        { dimension: 'country', operator: 'is', values: ['DE', 'GB', null] },
        { dimension: 'screen', operator: 'is_not', values: ['mobile'] },
      ],
    },
    {
      name: 'a source filter with direct traffic',
      query: ['source:is:Google|(none)'],
      model: [{ dimension: 'source', operator: 'is', values: ['Google', null] }],
    },
    {
      name: 'a property filter and a negated page filter',
      query: ['prop.plan:is:pro', 'page:is_not:/'],
      model: [
        { dimension: 'prop.plan', operator: 'is', values: ['pro'] },
        { dimension: 'page', operator: 'is_not', values: ['/'] },
      ],
    },
  ];

  describe.each(FILTER_SETS)('with $name', ({ query, model: filters, goals = [] }) => {
    it('should give the summary and the previous period as computed from the raw rows', async () => {
      const res = await get('summary', {
        period: 'custom',
        from: '2026-10-29',
        to: '2026-11-02',
        compare: 'previous',
        filter: query,
      }).expect(200);
      expect(res.body.period).toEqual({
        name: 'custom',
        from: '2026-10-29',
        to: '2026-11-02',
        timezone: TIMEZONE,
      });
      expect(res.body.comparison).toEqual({ from: '2026-10-24', to: '2026-10-28' });
      expect(res.body.metrics).toEqual(model.summary('2026-10-29', '2026-11-02', filters, goals));
      expect(res.body.previous).toEqual(model.summary('2026-10-24', '2026-10-28', filters, goals));
    });

    it('should give every day of a timeseries, and every hour of the day the clocks went back', async () => {
      const days = await get('timeseries', { period: '7d', filter: query }).expect(200);
      expect(days.body.interval).toBe('day');
      expect(days.body.points.map((p: { date: string }) => p.date)).toEqual([
        '2026-10-29',
        '2026-10-30',
        '2026-10-31',
        '2026-11-01',
        '2026-11-02',
        '2026-11-03',
        '2026-11-04',
      ]);
      const expected = model.series('2026-10-29', '2026-11-04', 'day', filters, goals);
      for (const point of days.body.points) {
        const { date, ...metrics } = point;
        expect({ date, ...metrics }).toEqual({
          date,
          ...(expected.get(date) ?? StatsModel.metrics([], [])),
        });
      }

      const hours = await get('timeseries', {
        period: 'day',
        date: '2026-11-01',
        filter: query,
      }).expect(200);
      expect(hours.body.interval).toBe('hour');
      // 25 hours of clock time, 24 local hours: the repeated 01:00 hour is one bucket.
      expect(hours.body.points).toHaveLength(24);
      const expectedHours = model.series('2026-11-01', '2026-11-01', 'hour', filters, goals);
      for (const point of hours.body.points) {
        const { date, ...metrics } = point;
        expect({ date, ...metrics }).toEqual({
          date,
          ...(expectedHours.get(date) ?? StatsModel.metrics([], [])),
        });
      }
    });

    it.each([
      'page',
      'hostname',
      'entry_page',
      'exit_page',
      'source',
      'referrer',
      'utm_source',
      'utm_medium',
      'utm_campaign',
      'browser',
      'browser_version',
      'os',
      'os_version',
      'device',
      'screen',
      'country',
      'event',
      'prop.plan',
      'prop.seats',
    ])('should give every row of the %s breakdown', async (dimension) => {
      const res = await get(`breakdown/${dimension}`, {
        period: 'custom',
        from: '2026-10-26',
        to: '2026-11-04',
        filter: query,
        limit: '1000',
      }).expect(200);
      const expected = model.breakdown(dimension, '2026-10-26', '2026-11-04', filters, goals);
      const got = new Map(
        res.body.rows.map((row: { value: string | null }) => [
          row.value === null ? 'null' : row.value,
          row,
        ]),
      );
      expect(Object.fromEntries(got)).toEqual(Object.fromEntries(expected));
      expect(res.body.hasMore).toBe(false);
      // Sorted by visitors, most first.
      const visitors = res.body.rows.map((row: { visitors: number }) => row.visitors);
      expect(visitors).toEqual([...visitors].sort((a, b) => b - a));
    });
  });

  it.each([
    { name: 'no filter', query: [], filters: [] },
    {
      name: 'a visit filter and an event filter',
      query: ['browser:is:Chrome', 'prop.plan:is:pro'],
      filters: [
        { dimension: 'browser', operator: 'is', values: ['Chrome'] },
        { dimension: 'prop.plan', operator: 'is', values: ['pro'] },
      ] as ModelFilter[],
    },
  ])('should give the conversions of every goal with $name', async ({ query, filters }) => {
    const res = await get('goals', {
      period: 'custom',
      from: '2026-10-26',
      to: '2026-11-03',
      filter: query,
    }).expect(200);
    const expected = model.goalStats('2026-10-26', '2026-11-03', filters, GOALS);
    expect(
      res.body.goals.map(
        ({ name, visitors, conversions, conversionRate }: Record<string, unknown>) => ({
          name,
          visitors,
          conversions,
          conversionRate,
        }),
      ),
    ).toEqual(expected);
    expect(expected[0].visitors).toBeGreaterThan(0);
    expect(expected[1].visitors).toBeGreaterThan(0);
  });

  it('should count the traffic that was not counted, per day and reason', async () => {
    await app.get(FilteredTrafficService).flush();
    const res = await get('filtered-traffic', {
      period: 'custom',
      from: '2026-10-26',
      to: '2026-11-04',
    }).expect(200);
    // traffic() sends a crawler and a spam referrer once a day for five days.
    expect(res.body.totals).toEqual(
      expect.arrayContaining([
        { reason: 'bot', count: 5 },
        { reason: 'referrer_spam', count: 5 },
      ]),
    );
    expect(res.body.days).toContainEqual({ date: '2026-10-26', reason: 'bot', count: 1 });
    // Filters do not apply to it.
    await get('filtered-traffic', { filter: 'country:is:DE' }).expect(400);
  });

  it('should page, search and sort a breakdown', async () => {
    const all = await get('breakdown/page', {
      period: '30d',
      limit: '1000',
      sort: 'pageviews',
      order: 'asc',
    }).expect(200);
    const pageviews = all.body.rows.map((row: { pageviews: number }) => row.pageviews);
    expect(pageviews).toEqual([...pageviews].sort((a, b) => a - b));

    const first = await get('breakdown/page', { period: '30d', limit: '2' }).expect(200);
    const second = await get('breakdown/page', { period: '30d', limit: '2', page: '2' }).expect(
      200,
    );
    expect(first.body.rows).toHaveLength(2);
    expect(first.body.hasMore).toBe(true);
    const everything = await get('breakdown/page', { period: '30d' }).expect(200);
    expect([...first.body.rows, ...second.body.rows]).toEqual(everything.body.rows.slice(0, 4));

    const blog = await get('breakdown/page', { period: '30d', search: 'BLOG' }).expect(200);
    expect(blog.body.rows.map((row: { value: string }) => row.value).sort()).toEqual([
      '/blog/one',
      '/blog/two',
    ]);
  });

  it('should count the visitors of the last five minutes, their pages and sources', async () => {
    const now = Date.parse('2026-11-04T20:00:00Z');
    const expected = rows.pageViews.filter(
      (v) => v.created_at.getTime() > now - 5 * 60_000 && v.created_at.getTime() <= now,
    );
    const res = await get('realtime').expect(200);
    expect(res.body.visitors).toBe(new Set(expected.map((v) => v.visitor_id)).size);

    // A visit now: it shows at once, and is gone five minutes later.
    await request(app.getHttpServer())
      .post('/track')
      .set('User-Agent', CHROME_UA)
      .set('X-Forwarded-For', '203.0.113.250')
      .send({ site_id: siteId, url: 'https://example.com/live', fingerprint: 'live-one' })
      .expect(202);
    const live = await get('realtime').expect(200);
    expect(live.body.visitors).toBe(res.body.visitors + 1);
    expect(live.body.pages).toContainEqual({ value: '/live', visitors: 1 });
    // The realtime period: the last 30 minutes, minute by minute, in the site's timezone.
    const minutes = await get('timeseries', { period: 'realtime' }).expect(200);
    expect(minutes.body.interval).toBe('minute');
    expect(minutes.body.points).toHaveLength(30);
    expect(minutes.body.points.at(-1)).toMatchObject({ date: '2026-11-04T15:00', pageviews: 1 });
    clock.advance(5 * 60_000 + 1000);
    const later = await get('realtime').expect(200);
    expect(later.body.pages).not.toContainEqual({ value: '/live', visitors: 1 });
    clock.advance(-(5 * 60_000 + 1000));
  });

  it('should stream a breakdown and the raw page views as CSV', async () => {
    const csv = await get('breakdown/page', {
      period: 'custom',
      from: '2026-10-26',
      to: '2026-11-03',
      format: 'csv',
    })
      .buffer(true)
      .expect(200)
      .expect('Content-Type', /text\/csv/);
    expect(csv.headers['content-disposition']).toBe(
      'attachment; filename="page-2026-10-26-2026-11-03.csv"',
    );
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('value,visitors,visits,pageviews');
    const expected = model.breakdown('page', '2026-10-26', '2026-11-03', []);
    expect(lines).toHaveLength(expected.size + 1);
    for (const line of lines.slice(1)) {
      const [value, visitors, visits, pageviews] = line.split(',');
      expect(expected.get(value)).toMatchObject({
        visitors: Number(visitors),
        visits: Number(visits),
        pageviews: Number(pageviews),
      });
    }

    const raw = await get('export/pageviews', {
      period: 'custom',
      from: '2026-10-26',
      to: '2026-11-03',
    })
      .buffer(true)
      .expect(200);
    const rawLines = raw.text.trim().split('\r\n');
    expect(rawLines[0].split(',').slice(0, 6)).toEqual([
      'time',
      'local_time',
      'visitor_id',
      'session_id',
      'hostname',
      'path',
    ]);
    expect(rawLines).toHaveLength(model.hits('2026-10-26', '2026-11-03', []).length + 1);

    const events = await get('export/events', {
      period: 'custom',
      from: '2026-10-26',
      to: '2026-11-03',
      filter: 'event:is:Signup',
    })
      .buffer(true)
      .expect(200);
    expect(events.text.trim().split('\r\n')).toHaveLength(
      rows.events.filter(
        (e) => e.name === 'Signup' && model.inDays(e.created_at, '2026-10-26', '2026-11-03'),
      ).length + 1,
    );
  });

  it.each([
    [{ period: 'week' }, 'period must be one of'],
    [{ period: 'custom', from: '2026-11-05', to: '2026-11-01' }, 'to must not be before from'],
    [{ period: 'custom' }, 'period=custom needs from and to'],
    [{ period: '7d', from: '2026-11-01' }, 'from and to are only for period=custom'],
    [{ date: '2026-02-30' }, 'date must be a date as YYYY-MM-DD'],
    [{ filter: 'country:equals:DE' }, 'the operator must be one of'],
    [{ filter: 'planet:is:Mars' }, 'unknown dimension "planet"'],
    [{ filter: 'country' }, 'must read <dimension>:<operator>:<value>'],
    [{ filter: 'source:contains:(none)' }, '(none) can only be used with is and is_not'],
    [{ filter: 'goal:is:Nothing' }, 'No goal of this site is called "Nothing"'],
    [{ unknown: '1' }, 'property unknown should not exist'],
  ])('should refuse %j with a 400 that says why', async (query, message) => {
    const res = await get('summary', query as Record<string, string>).expect(400);
    expect([res.body.message].flat().join(' ')).toContain(message);
  });

  it('should refuse an unknown dimension, a sort it lacks and too many points', async () => {
    expect((await get('breakdown/planet').expect(400)).body.message).toContain(
      'Unknown dimension "planet"',
    );
    expect(
      (await get('breakdown/event', { sort: 'bounceRate' }).expect(400)).body.message,
    ).toContain('can be sorted by visitors, events, conversionRate');
    expect(
      (await get('timeseries', { period: '12mo', interval: 'hour' }).expect(400)).body.message,
    ).toContain('at most 1000');
  });

  it('should give an empty period as zeros, not as an error', async () => {
    const res = await get('summary', { period: 'day', date: '2025-01-01' }).expect(200);
    expect(res.body.metrics).toEqual({
      visitors: 0,
      visits: 0,
      pageviews: 0,
      viewsPerVisit: 0,
      bounceRate: 0,
      visitDuration: 0,
    });
  });

  it('should record each kind of read in the audit log', async () => {
    const reads: [string, Record<string, string>, string][] = [
      ['summary', {}, 'stats.summary'],
      ['timeseries', {}, 'stats.timeseries'],
      ['breakdown/page', {}, 'stats.breakdown'],
      ['breakdown/page', { format: 'csv' }, 'stats.export'],
      ['realtime', {}, 'stats.realtime'],
      ['goals', {}, 'stats.goals'],
      ['filtered-traffic', {}, 'stats.filtered_traffic'],
    ];
    const reader = await signedInUser(app, {
      accountId: (await dataSource.query(`SELECT account_id FROM sites WHERE id = $1`, [siteId]))[0]
        .account_id as string,
      role: 'viewer',
    });
    for (const [path, query] of reads) {
      await request(app.getHttpServer())
        .get(`/api/sites/${siteId}/stats/${path}`)
        .query(query)
        .set('Cookie', reader.cookie)
        .expect(200);
    }
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the audit writer's batch
    const rows: { what: string }[] = await dataSource.query(
      `SELECT details->>'what' AS what FROM audit_log
        WHERE action = 'site.data_read' AND site_id = $1 AND actor_user_id = $2`,
      [siteId, reader.userId],
    );
    expect(rows.map((r) => r.what).sort()).toEqual([...new Set(reads.map((r) => r[2]))].sort());
  });
});
