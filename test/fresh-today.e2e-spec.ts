import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { RollupJob } from '../src/stats/rollups/rollup-job.js';
import { signedInUser, type SignedInUser } from './utils/auth.js';
import { CHROME_UA, makeEvent, makeSite } from './utils/factories.js';
import { FakeClock } from './utils/fake-clock.js';
import { createTestApp, dataSourceOf } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

/**
 * STATS_RAW_MAX_PAGEVIEWS: a period that includes today and whose rollups hold few page views
 * is read from the raw rows, so that a page view is in the figures as soon as it is stored, not
 * at the rollup job's next run; periods of past days, and bigger ones, read the rollups.
 */
describe('stats of today on a small site', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let dataSource: DataSource;
  let clock: FakeClock;
  let siteId: string;
  let viewer: SignedInUser;
  let job: RollupJob;

  const moveTo = (iso: string) => clock.advance(Date.parse(iso) - clock.now().getTime());

  const view = async (iso: string, visitor: string, path = '/') => {
    moveTo(iso);
    await request(app.getHttpServer())
      .post('/track')
      .set('User-Agent', CHROME_UA)
      .set('Content-Type', 'text/plain')
      .send(
        JSON.stringify(
          makeEvent(siteId, { fingerprint: visitor, url: `https://example.com${path}` }),
        ),
      )
      .expect(202);
  };

  const pageviews = async (query: Record<string, string>): Promise<number> => {
    const { body } = await request(app.getHttpServer())
      .get(`/api/sites/${siteId}/stats/summary`)
      .query(query)
      .set('Cookie', viewer.cookie)
      .expect(200);
    return (body as { metrics: { pageviews: number } }).metrics.pageviews;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    clock = new FakeClock(Date.parse('2026-11-09T09:00:00Z'));
    app = await createTestApp({
      databaseUrl: db.url,
      clock,
      env: { STATS_ROLLUP_INTERVAL_SECONDS: '3600', STATS_RAW_MAX_PAGEVIEWS: '5' },
    });
    dataSource = dataSourceOf(app);
    const site = await makeSite(dataSource, { timezone: 'UTC' });
    siteId = site.id;
    viewer = await signedInUser(app, { accountId: site.accountId, role: 'viewer' });
    job = app.get(RollupJob);
    await view('2026-11-09T09:00:00Z', 'anna');
    await view('2026-11-09T10:00:00Z', 'ben');
    await view('2026-11-10T09:00:00Z', 'carl');
    await view('2026-11-10T09:01:00Z', 'carl', '/pricing');
    await job.run();
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('should count a page view of today at once while the period holds few page views', async () => {
    await view('2026-11-10T11:00:00Z', 'dora');
    // Today's rollup still says 2: the job has not run since.
    const [{ stored }] = await dataSource.query<{ stored: number }[]>(
      `SELECT pageviews AS stored FROM stats_days WHERE site_id = $1 AND day = '2026-11-10'`,
      [siteId],
    );
    expect(stored).toBe(2);
    expect(await pageviews({ period: 'day' })).toBe(3);
    expect(await pageviews({ period: '7d' })).toBe(5);
    expect(await pageviews({ period: '30d', filter: 'page:is:/' })).toBe(4);
  });

  it('should read the rollups of a period without today, and of one whose rollups hold more', async () => {
    // Rollups made to say more than the raw rows, to see which one a read takes.
    await dataSource.query(
      `UPDATE stats_days SET pageviews = pageviews + 1000 WHERE site_id = $1 AND day = '2026-11-09'`,
      [siteId],
    );
    try {
      expect(await pageviews({ period: 'custom', from: '2026-11-09', to: '2026-11-09' })).toBe(
        1002,
      );
      // Today is small, so a read of today alone is still raw and up to date.
      expect(await pageviews({ period: 'day' })).toBe(3);
      // Seven days now hold more than 5 page views by their rollups: read from them, today as
      // of the job's last run (2, not 3).
      expect(await pageviews({ period: '7d' })).toBe(1004);
    } finally {
      await dataSource.query(
        `UPDATE stats_days SET pageviews = pageviews - 1000 WHERE site_id = $1 AND day = '2026-11-09'`,
        [siteId],
      );
    }
    await job.run();
    expect(await pageviews({ period: '7d' })).toBe(5);
  });
});
