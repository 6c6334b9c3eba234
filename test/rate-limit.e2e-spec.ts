import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import type { Site } from '../src/sites/entities/site.entity.js';
import { CHROME_UA, countRows, makeEvent, makeSite } from './utils/factories.js';
import { createTestApp, dataSourceOf } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

describe('POST /track rate limiting', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let dataSource: DataSource;
  let site: Site;

  const trackFrom = (clientAddress: string, path: string) =>
    request(app.getHttpServer())
      .post('/track')
      .set('User-Agent', CHROME_UA)
      .set('X-Forwarded-For', clientAddress)
      .send(makeEvent(site.id, { url: `https://example.com${path}` }));

  const storedPaths = async (): Promise<string[]> => {
    const rows: { path: string }[] = await dataSource.query(
      'SELECT path FROM page_views WHERE site_id = $1 ORDER BY path',
      [site.id],
    );
    return rows.map((row) => row.path);
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({
      databaseUrl: db.url,
      env: {
        RATE_LIMIT_MAX_REQUESTS: '3',
        RATE_LIMIT_WINDOW_SECONDS: '60',
        // One trusted proxy: the client is the last X-Forwarded-For entry.
        TRUST_PROXY: '1',
      },
    });
    dataSource = dataSourceOf(app);
    site = await makeSite(dataSource);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('should accept 3 events from one address, refuse the 4th with 429 and Retry-After, storing only 3', async () => {
    for (const n of [1, 2, 3]) {
      await trackFrom('198.51.100.1', `/a/${n}`).expect(202);
    }

    const refused = await trackFrom('198.51.100.1', '/a/4');

    expect(refused.status).toBe(429);
    const retryAfter = refused.headers['retry-after'];
    expect(retryAfter).toMatch(/^\d+$/);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);
    expect(refused.headers['content-type']).toMatch(/^application\/json/);
    expect(refused.body).toMatchObject({
      statusCode: 429,
      error: 'Too Many Requests',
      message: expect.stringMatching(/\S/),
      requestId: expect.any(String),
    });
    expect(await storedPaths()).toEqual(['/a/1', '/a/2', '/a/3']);
    expect((await countRows(dataSource, site.id)).pageViews).toBe(3);
  });

  it('should still accept events from a different client address', async () => {
    await trackFrom('198.51.100.2', '/b/1').expect(202);
    expect(await storedPaths()).toEqual(['/a/1', '/a/2', '/a/3', '/b/1']);
  });

  it('should keep refusing the limited address within the window, storing nothing more', async () => {
    const res = await trackFrom('198.51.100.1', '/a/5').expect(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(await storedPaths()).not.toContain('/a/5');
  });
});
