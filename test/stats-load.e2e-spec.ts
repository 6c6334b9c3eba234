import type { NestExpressApplication } from '@nestjs/platform-express';
import pg from 'pg';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { GoalsService } from '../src/goals/goals.service.js';
import { RollupJob } from '../src/stats/rollups/rollup-job.js';
import { signedInUser, type SignedInUser } from './utils/auth.js';
import { CHROME_UA, countRows, makeEvent, makeSite } from './utils/factories.js';
import { createTestApp, dataSourceOf } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

/** Locks `table` from another session until the returned function is called. */
async function lockTable(url: string, table: string): Promise<() => Promise<void>> {
  const locker = new pg.Client({ connectionString: url });
  await locker.connect();
  await locker.query('BEGIN');
  await locker.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
  return async () => {
    await locker.query('ROLLBACK');
    await locker.end();
  };
}

/**
 * Dashboards must never take the database connections ingestion needs: stats queries hold at most
 * STATS_MAX_CONCURRENT_QUERIES connections (a pool of their own), however many are asked for and
 * however slow they are.
 */
describe('stats under load', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let dataSource: DataSource;
  let siteId: string;
  let viewer: SignedInUser;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({
      databaseUrl: db.url,
      env: {
        DATABASE_POOL_SIZE: '4',
        STATS_MAX_CONCURRENT_QUERIES: '1',
        INGEST_TIMEOUT_MS: '2000',
      },
    });
    dataSource = dataSourceOf(app);
    const site = await makeSite(dataSource);
    siteId = site.id;
    viewer = await signedInUser(app, { accountId: site.accountId, role: 'viewer' });
    await app.get(GoalsService).create(siteId, { eventName: 'Signup' });
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('should keep storing events while many stats queries are stuck in the database', async () => {
    // Another session locks a table only the stats read: every stats query that reaches it
    // waits, holding its connection, until the lock is released.
    const unlock = await lockTable(db.url, 'goals');
    const stuck = Array.from({ length: 8 }, () =>
      request(app.getHttpServer())
        .get(`/api/sites/${siteId}/stats/summary`)
        .query({ filter: 'goal:is:Signup' })
        .set('Cookie', viewer.cookie),
    ).map((req) => req.then((res) => res.status));
    await new Promise((resolve) => setTimeout(resolve, 300));

    // The pool has 4 connections; without the bound the 8 dashboards would hold them all.
    for (let i = 0; i < 5; i += 1) {
      await request(app.getHttpServer())
        .post('/track')
        .set('User-Agent', CHROME_UA)
        .send(makeEvent(siteId))
        .expect(202);
    }
    expect((await countRows(dataSource, siteId)).pageViews).toBe(5);

    await unlock();
    expect(await Promise.all(stuck)).toEqual(Array(8).fill(200));
  });

  it('should answer a stats query slower than ingestion may be (INGEST_TIMEOUT_MS), and stay up', async () => {
    // The pool's connections are bounded for ingestion (2 s here, per statement and on
    // PostgreSQL 17+ per transaction); a stats query waits 3 s on a lock and must still answer.
    const unlock = await lockTable(db.url, 'sessions');
    const started = Date.now();
    const summary = request(app.getHttpServer())
      .get(`/api/sites/${siteId}/stats/summary`)
      .set('Cookie', viewer.cookie)
      .then((res) => res);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await unlock();
    const res = await summary;
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
    expect(res.body.metrics.pageviews).toBe(5);
    await request(app.getHttpServer()).get('/health').expect(200);
  });
});

/**
 * Reads of raw rows take seconds on a big site; they may hold every stats connection but one,
 * so that the quick reads of a dashboard (the site, its rollups) never wait behind them.
 */
describe('stats: a connection kept for quick reads', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let siteId: string;
  let viewer: SignedInUser;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({
      databaseUrl: db.url,
      env: { STATS_MAX_CONCURRENT_QUERIES: '2', STATS_ROLLUP_INTERVAL_SECONDS: '3600' },
    });
    const site = await makeSite(dataSourceOf(app));
    siteId = site.id;
    viewer = await signedInUser(app, { accountId: site.accountId, role: 'viewer' });
    for (let i = 0; i < 3; i += 1) {
      await request(app.getHttpServer())
        .post('/track')
        .set('User-Agent', CHROME_UA)
        .send(makeEvent(siteId))
        .expect(202);
    }
    await app.get(RollupJob).run();
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('should answer from the rollups while reads of raw rows are stuck', async () => {
    const unlock = await lockTable(db.url, 'sessions');
    // Two filters: raw rows, which wait on the lock.
    const stuck = Array.from({ length: 4 }, () =>
      request(app.getHttpServer())
        .get(`/api/sites/${siteId}/stats/breakdown/page`)
        .query({ period: 'day', filter: ['device:is:desktop', 'browser:is:Chrome'] })
        .set('Cookie', viewer.cookie),
    ).map((req) => req.then((res) => res.status));
    await new Promise((resolve) => setTimeout(resolve, 300));
    try {
      const started = Date.now();
      const pages = await request(app.getHttpServer())
        .get(`/api/sites/${siteId}/stats/breakdown/page`)
        .query({ period: 'day' })
        .set('Cookie', viewer.cookie)
        .expect(200);
      expect(pages.body.rows[0]).toMatchObject({ value: '/pricing', pageviews: 3 });
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await unlock();
    }
    expect(await Promise.all(stuck)).toEqual(Array(4).fill(200));
  });
});
