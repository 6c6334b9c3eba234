import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { DASHBOARD_DIR } from '../src/dashboard/dashboard.middleware.js';
import { createTestApp } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

describe('serving the dashboard', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  const index = readFileSync(join(DASHBOARD_DIR, 'index.html'), 'utf8');
  const script = /src="(\/assets\/[^"]+\.js)"/.exec(index)![1];
  const html = { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({ databaseUrl: db.url });
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const get = (path: string) => request(app.getHttpServer()).get(path);

  it.each([
    '/',
    '/sign-in',
    '/sign-up',
    '/sites',
    '/sites/new',
    '/sites/3f0c/install',
    '/sites/3f0c/settings',
    '/profile',
    '/accounts/9a2e',
    '/reset-password',
  ])('should answer the page %s with the app, not cached, under a strict CSP', async (path) => {
    const res = await get(path).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toBe(index);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it('should serve hashed assets for a year, immutable, and 404 for a missing one', async () => {
    const res = await get(script).expect(200);
    expect(res.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const missing = await get('/assets/index-00000000.js').expect(404);
    expect(missing.text).not.toBe(index);
  });

  it('should answer a browser 404 with the app (which says "not found"), and anyone else with JSON', async () => {
    const page = await get('/no-such-page').set(html).expect(404);
    expect(page.text).toBe(index);
    const json = await get('/no-such-page').expect(404);
    expect(json.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });

  it("should leave the server's own paths alone, even for a browser", async () => {
    expect((await get('/health').set(html).expect(200)).body).toMatchObject({ status: 'ok' });
    const api = await get('/api/no-such-route').set(html).expect(404);
    expect(api.body).toMatchObject({ statusCode: 404 });
    expect((await get('/tracker.min.js').set(html).expect(200)).text).not.toBe(index);
    await request(app.getHttpServer()).post('/').set(html).expect(404);
  });
});
