import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import type { Site } from '../src/sites/entities/site.entity.js';
import { openDataSource, waitFor } from './utils/data-source.js';
import { CHROME_UA, countRows, makeEvent, makeSite } from './utils/factories.js';
import { TcpProxy } from './utils/tcp-proxy.js';
import { createTestApp } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

describe('health probes', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let app: NestExpressApplication;
  /** Straight to PostgreSQL, not through the proxy: the test's own view of the database. */
  let direct: DataSource;
  let site: Site;
  /** A site the app has never looked up, so its lookup needs the database. */
  let uncachedSite: Site;
  let databaseCut = false;

  const get = (path: string) => request(app.getHttpServer()).get(path);
  const track = (body: object) =>
    request(app.getHttpServer()).post('/track').set('User-Agent', CHROME_UA).send(body);

  beforeAll(async () => {
    db = await createTestDatabase();
    direct = await openDataSource(db.url);
    const target = new URL(db.url);
    proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    // The app reaches PostgreSQL only through the proxy, so the test can take the database away.
    app = await createTestApp({ databaseUrl: proxy.urlFor(db.url) });
    site = await makeSite(direct);
    uncachedSite = await makeSite(direct);
  });

  afterAll(async () => {
    if (databaseCut) await proxy.restore(); // lets the app's pool close cleanly
    await app?.close();
    await direct?.destroy();
    await proxy?.cut();
    await db?.drop();
  });

  describe('when the database is reachable', () => {
    it('should answer GET /health with 200 and the database up', async () => {
      const res = await get('/health').expect(200);
      expect(res.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
    });

    it('should answer GET /health/live with 200', async () => {
      const res = await get('/health/live').expect(200);
      expect(res.body).toMatchObject({ status: 'ok' });
    });

    it('should answer GET /health/ready with 200 and the database up', async () => {
      const res = await get('/health/ready').expect(200);
      expect(res.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
    });
  });

  describe('when the database becomes unreachable, then comes back', () => {
    const refusedUrl = `https://example.com/refused-${randomUUID()}`;

    beforeAll(async () => {
      // One stored event first: the site is now in the app's cache, so the refused event below
      // gets as far as the commit, where the outage is met.
      await track(makeEvent(site.id, { url: 'https://example.com/before-outage' })).expect(202);
      expect((await countRows(direct, site.id)).pageViews).toBe(1);
      await proxy.cut();
      databaseCut = true;
    });

    it('should answer GET /health and GET /health/ready with 503 and the database down', async () => {
      for (const path of ['/health', '/health/ready']) {
        const res = await get(path);
        expect(res.status, `${path} answered ${res.status}: ${res.text}`).toBe(503);
        expect(res.body).toMatchObject({
          status: 'error',
          error: { database: { status: 'down' } },
        });
      }
    });

    it('should keep answering GET /health/live with 200, since liveness ignores the database', async () => {
      const res = await get('/health/live').expect(200);
      expect(res.body).toMatchObject({ status: 'ok' });
    });

    it('should refuse POST /track with 503, Retry-After and a JSON error without a stack trace', async () => {
      const res = await track(makeEvent(site.id, { url: refusedUrl }));

      expect(res.status, res.text).toBe(503);
      expect(res.headers['retry-after']).toMatch(/^[1-9]\d*$/);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({
        statusCode: 503,
        error: 'Service Unavailable',
        message: expect.any(String),
        requestId: expect.any(String),
      });
      expect(res.body.message).not.toBe('');
      expect(res.text).not.toMatch(/\bat \S+ \(|node_modules|ECONNREFUSED|\.ts:\d+|\.js:\d+/);
    });

    it('should refuse POST /track with 503 also for a site whose lookup needs the database', async () => {
      const res = await track(makeEvent(uncachedSite.id));
      expect(res.status, res.text).toBe(503);
      expect(res.headers['retry-after']).toMatch(/^[1-9]\d*$/);
      expect(res.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    });

    it('should recover once the database is back, store new events and not the refused one', async () => {
      await proxy.restore();
      databaseCut = false;
      await waitFor(
        'GET /health to answer 200 after the database came back',
        async () => (await get('/health')).status === 200,
        { timeoutMs: 15_000, intervalMs: 200 },
      );

      await track(makeEvent(site.id, { url: 'https://example.com/after-outage' })).expect(202);

      const rows: { url: string }[] = await direct.query(
        'SELECT url FROM page_views WHERE site_id = $1 ORDER BY url',
        [site.id],
      );
      expect(rows.map((row) => row.url)).toEqual([
        'https://example.com/after-outage',
        'https://example.com/before-outage',
      ]);
      expect(rows.map((row) => row.url)).not.toContain(refusedUrl);
      expect(await countRows(direct, site.id)).toEqual({
        visitors: 2,
        sessions: 2,
        pageViews: 2,
      });
      expect((await countRows(direct, uncachedSite.id)).pageViews).toBe(0);
    });
  });
});
