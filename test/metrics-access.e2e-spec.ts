import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { cleanEnv, NodeProcess } from './utils/child-process.js';
import { openDataSource, waitFor } from './utils/data-source.js';
import { CHROME_UA, countRows, makeEvent, makeSite } from './utils/factories.js';
import { freePort } from './utils/free-port.js';
import { parsePrometheus, sampleValue } from './utils/prometheus.js';
import { createTestApp, dataSourceOf } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

const TOKEN = '7c1e9a0f3b5d4e2a8f6c1b0d9e7a5c3f';
const STORED = { outcome: 'accepted', reason: 'stored' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('GET /metrics with METRICS_TOKEN', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let dataSource: DataSource;
  let siteId: string;

  const scrape = (authorization?: string) => {
    const req = request(app.getHttpServer()).get('/metrics');
    return authorization ? req.set('Authorization', authorization) : req;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({ databaseUrl: db.url, env: { METRICS_TOKEN: TOKEN } });
    dataSource = dataSourceOf(app);
    siteId = (await makeSite(dataSource)).id;
    await request(app.getHttpServer())
      .post('/track')
      .set('User-Agent', CHROME_UA)
      .send(makeEvent(siteId))
      .expect(202);
    expect(await countRows(dataSource, siteId)).toEqual({ visitors: 1, sessions: 1, pageViews: 1 });
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('should answer 401 with a Bearer challenge and the usual error body when no token is sent', async () => {
    const res = await scrape().expect(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="trackveil-metrics"');
    expect(res.body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: '/metrics needs the header "Authorization: Bearer <METRICS_TOKEN>".',
      requestId: expect.stringMatching(UUID),
    });
    expect(res.text).not.toContain('trackveil_events_total');
  });

  it.each([`Bearer ${TOKEN.slice(0, -1)}0`, `Bearer ${TOKEN}${TOKEN}`, `Basic ${TOKEN}`])(
    'should answer 401 to %j without the metrics or the token',
    async (authorization) => {
      const res = await scrape(authorization).expect(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="trackveil-metrics"/);
      expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
      expect(res.text).not.toContain('trackveil_events_total');
      expect(res.text).not.toContain(TOKEN);
    },
  );

  it('should answer 200 with the metrics, agreeing with the database, to the right token', async () => {
    const res = await scrape(`Bearer ${TOKEN}`).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const samples = parsePrometheus(res.text);
    expect(sampleValue(samples, 'trackveil_events_total', STORED)).toBe(1);
    expect(await countRows(dataSource, siteId)).toEqual({ visitors: 1, sessions: 1, pageViews: 1 });
  });
});

/** The built server with METRICS_PORT (and a token): metrics on their own listener only. */
describe('METRICS_PORT', () => {
  let db: TestDatabase;
  let server: NodeProcess;
  let baseUrl: string;
  let metricsUrl: string;
  let siteId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    const setup = await openDataSource(db.url);
    siteId = (await makeSite(setup)).id;
    await setup.destroy();
    const port = await freePort();
    const metricsPort = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    metricsUrl = `http://127.0.0.1:${metricsPort}`;
    server = new NodeProcess(
      'dist/src/main.js',
      [],
      cleanEnv({
        DATABASE_URL: db.url,
        PORT: String(port),
        HOST: '127.0.0.1',
        METRICS_PORT: String(metricsPort),
        METRICS_TOKEN: TOKEN,
        LOG_LEVEL: 'debug',
        LOG_FORMAT: 'json',
        CREATE_DEMO_SITE: 'false',
      }),
    );
    await waitFor(
      'the start to be announced',
      () => server.stdout.includes('Trackveil is running.'),
      { timeoutMs: 30_000, intervalMs: 100 },
    );
  }, 60_000);

  afterAll(async () => {
    if (server?.running) await server.stop('SIGKILL', 5_000);
    await db?.drop();
  });

  it('should answer 404 for /metrics on the main port, even with the right token', async () => {
    const res = await fetch(`${baseUrl}/metrics`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'Cannot GET /metrics',
      requestId: expect.stringMatching(UUID),
    });
  });

  it('should serve the metrics on METRICS_PORT to the right token only, counting what the main port stored', async () => {
    const tracked = await fetch(`${baseUrl}/track`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': CHROME_UA },
      body: JSON.stringify(makeEvent(siteId)),
    });
    expect(tracked.status).toBe(202);
    const check = await openDataSource(db.url);
    try {
      expect(await countRows(check, siteId)).toEqual({ visitors: 1, sessions: 1, pageViews: 1 });
    } finally {
      await check.destroy();
    }

    const refused = await fetch(`${metricsUrl}/metrics`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="trackveil-metrics"');
    expect(await refused.json()).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: '/metrics needs the header "Authorization: Bearer <METRICS_TOKEN>".',
      requestId: expect.stringMatching(UUID),
    });
    const wrong = await fetch(`${metricsUrl}/metrics`, {
      headers: { Authorization: 'Bearer not-the-token-at-all' },
    });
    expect(wrong.status).toBe(401);

    const res = await fetch(`${metricsUrl}/metrics`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const samples = parsePrometheus(await res.text());
    expect(sampleValue(samples, 'trackveil_events_total', STORED)).toBe(1);
  });

  it('should answer 404 on METRICS_PORT for anything but GET /metrics', async () => {
    const res = await fetch(`${metricsUrl}/health`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ statusCode: 404, error: 'Not Found' });
    const post = await fetch(`${metricsUrl}/metrics`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(post.status).toBe(404);
  });

  it('should announce the metrics address, never log the token, and close the metrics port on SIGTERM', async () => {
    const exit = await server.stop('SIGTERM', 15_000);
    expect(exit.code, exit.stderr).toBe(0);
    const lines = exit.stdout
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: 'Trackveil is running.',
        metrics: `${metricsUrl}/metrics`,
      }),
    );
    expect(exit.stdout + exit.stderr).not.toContain(TOKEN);
    await expect(fetch(`${metricsUrl}/metrics`)).rejects.toThrow();
  });
});
