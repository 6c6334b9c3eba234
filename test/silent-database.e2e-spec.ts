import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { MockInstance } from 'vitest';
import type { DataSource } from 'typeorm';
import type { Site } from '../src/sites/entities/site.entity.js';
import { openDataSource, waitFor } from './utils/data-source.js';
import { CHROME_UA, makeEvent, makeSite } from './utils/factories.js';
import { parsePrometheus, sampleValue } from './utils/prometheus.js';
import { TcpProxy } from './utils/tcp-proxy.js';
import { createTestApp, dataSourceOf } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

/** `INGEST_TIMEOUT_MS` and `HEALTH_TIMEOUT_MS` of the app under test. */
const INGEST_TIMEOUT_MS = 1500;
const HEALTH_TIMEOUT_MS = 1000;
const POOL_SIZE = 4;
/** Room for a shared, busy machine on top of a bound. */
const SLACK_MS = 1500;

interface Answer {
  status: number;
  elapsedMs: number;
  retryAfter: string | undefined;
  contentType: string | undefined;
  body: unknown;
  text: string;
}

/** The failed-probe body: which check is down, and nothing else. */
const DATABASE_DOWN = {
  status: 'error',
  info: {},
  error: { database: { status: 'down' } },
  details: { database: { status: 'down' } },
};

describe('a database that hangs (connected, silent)', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let app: NestExpressApplication;
  /** Straight to PostgreSQL, not through the proxy: the test's own view of the database. */
  let direct: DataSource;
  let site: Site;
  /** Every event the app answered 202, by event_id; and those it answered 503. */
  const accepted = new Map<string, string>();
  const refused = new Map<string, string>();

  /** Posts one fresh event (own url and event_id) and records the answer. */
  async function trackFresh(siteId: string, label: string): Promise<Answer> {
    const eventId = randomUUID();
    const url = `https://example.com/${label}/${eventId}`;
    const started = performance.now();
    const res = await request(app.getHttpServer())
      .post('/track')
      .set('User-Agent', CHROME_UA)
      .send(makeEvent(siteId, { url, event_id: eventId }));
    const answer: Answer = {
      status: res.status,
      elapsedMs: performance.now() - started,
      retryAfter: res.headers['retry-after'],
      contentType: res.headers['content-type'],
      body: res.body,
      text: res.text,
    };
    if (res.status === 202) accepted.set(eventId, url);
    else refused.set(eventId, url);
    return answer;
  }

  async function probe(path: string): Promise<Answer> {
    const started = performance.now();
    const res = await request(app.getHttpServer()).get(path);
    return {
      status: res.status,
      elapsedMs: performance.now() - started,
      retryAfter: undefined,
      contentType: res.headers['content-type'],
      body: res.body,
      text: res.text,
    };
  }

  async function metric(name: string, labels: Record<string, string> = {}): Promise<number> {
    const res = await request(app.getHttpServer()).get('/metrics').expect(200);
    return sampleValue(parsePrometheus(res.text), name, labels);
  }

  function expectRefusedWithinBound(answer: Answer): void {
    expect(answer.status, answer.text).toBe(503);
    expect(answer.retryAfter).toMatch(/^[1-9]\d*$/);
    expect(answer.contentType).toMatch(/^application\/json/);
    expect(answer.body).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: expect.any(String),
      requestId: expect.any(String),
    });
    expect(answer.elapsedMs).toBeLessThan(INGEST_TIMEOUT_MS + SLACK_MS);
  }

  /** The body of a failed probe carries nothing about where or what the database is. */
  function expectNothingRevealed(answer: Answer): void {
    expect(answer.body).toEqual(DATABASE_DOWN);
    const target = new URL(db.url);
    const secrets = [
      target.hostname,
      target.port,
      String(proxy.port),
      decodeURIComponent(target.username),
      db.name,
      'localhost',
    ].filter((secret) => secret !== '');
    for (const secret of secrets) expect(answer.text).not.toContain(secret);
    expect(answer.text).not.toMatch(
      /ECONN|timeout|timed out|terminated|connect|refused|postgres|password|pg_|sqlstate|query/i,
    );
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    direct = await openDataSource(db.url);
    const target = new URL(db.url);
    proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    app = await createTestApp({
      databaseUrl: proxy.urlFor(db.url),
      env: {
        INGEST_TIMEOUT_MS: String(INGEST_TIMEOUT_MS),
        HEALTH_TIMEOUT_MS: String(HEALTH_TIMEOUT_MS),
        DATABASE_POOL_SIZE: String(POOL_SIZE),
        SITE_CACHE_TTL_SECONDS: '600',
      },
    });
    site = await makeSite(direct);
    // The site is now in the app's cache, so events during the stall get as far as the commit.
    expect((await trackFresh(site.id, 'before-stall')).status).toBe(202);
  });

  afterAll(async () => {
    proxy?.resume();
    await app?.close();
    await direct?.destroy();
    await proxy?.cut();
    await db?.drop();
  });

  it("should bound the server's statements and, on PostgreSQL 17+, transactions by INGEST_TIMEOUT_MS", async () => {
    const [row]: { statement: string; version: number; transaction: string | null }[] =
      await dataSourceOf(app).query(
        `SELECT current_setting('statement_timeout') AS statement,
                current_setting('server_version_num')::int AS version,
                (SELECT setting FROM pg_settings WHERE name = 'transaction_timeout') AS transaction`,
      );
    expect(row.statement).toBe(`${INGEST_TIMEOUT_MS}ms`);
    expect(row.transaction).toBe(row.version >= 170_000 ? String(INGEST_TIMEOUT_MS) : null);
  });

  describe('while PostgreSQL accepts connections but answers nothing', () => {
    let warn: MockInstance<Logger['warn']>;
    const healthWarnings = () =>
      warn.mock.calls.filter(([, message]) => String(message).includes('health check failed'));

    beforeAll(() => {
      warn = vi.spyOn(Logger.prototype, 'warn');
      proxy.stall();
    });
    afterAll(() => warn.mockRestore());

    it('should answer concurrent POST /track with 503, Retry-After and JSON within INGEST_TIMEOUT_MS', async () => {
      const answers = await Promise.all(
        Array.from({ length: 12 }, () => trackFresh(site.id, 'during-stall')),
      );
      for (const answer of answers) {
        expectRefusedWithinBound(answer);
        // They waited for the database rather than failing at once on something else.
        expect(answer.elapsedMs).toBeGreaterThanOrEqual(INGEST_TIMEOUT_MS - 50);
      }
    });

    it('should keep answering within the bound when the stall outlasts it, with a bounded queue', async () => {
      const wave = Promise.all(
        Array.from({ length: 20 }, () => trackFresh(site.id, 'still-stalled')),
      );
      await new Promise((resolve) => setTimeout(resolve, INGEST_TIMEOUT_MS / 2));
      const queuedMidway = await metric('trackveil_ingest_queue_length');
      for (const answer of await wave) expectRefusedWithinBound(answer);

      expect(queuedMidway).toBeLessThanOrEqual(20);
      // Events past their deadline left the queue: nothing is kept for a database that hangs.
      expect(await metric('trackveil_ingest_queue_length')).toBe(0);
      expect(await metric('trackveil_db_pool_connections', { state: 'total' })).toBeLessThanOrEqual(
        POOL_SIZE,
      );
    });

    it('should answer 503 within the bound also for a site whose lookup needs the database', async () => {
      const uncached = await makeSite(direct);
      expectRefusedWithinBound(await trackFresh(uncached.id, 'uncached-site'));
      const [{ count }]: { count: number }[] = await direct.query(
        'SELECT count(*)::int AS count FROM page_views WHERE site_id = $1',
        [uncached.id],
      );
      expect(count).toBe(0);
    });

    it('should answer GET /health and GET /health/ready with 503 within HEALTH_TIMEOUT_MS, revealing nothing', async () => {
      for (const path of ['/health', '/health/ready']) {
        const answer = await probe(path);
        expect(answer.status, `${path}: ${answer.text}`).toBe(503);
        expect(answer.elapsedMs).toBeLessThan(HEALTH_TIMEOUT_MS + SLACK_MS);
        expectNothingRevealed(answer);
      }
    });

    it('should log why the database is down once, not on every failed probe', async () => {
      // The probes of the test before met the outage first.
      expect(healthWarnings()).toHaveLength(1);
      expect(healthWarnings()[0][0]).toMatchObject({ reason: expect.any(String) });
      for (let i = 0; i < 3; i += 1) expect((await probe('/health')).status).toBe(503);
      expect(healthWarnings()).toHaveLength(1);
    });

    it('should keep answering GET /health/live with 200', async () => {
      const answer = await probe('/health/live');
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ status: 'ok', info: {}, error: {}, details: {} });
    });
  });

  describe('once PostgreSQL answers again', () => {
    beforeAll(() => proxy.resume());

    it('should accept events again by itself and hold exactly the events answered 202', async () => {
      let recovered = 0;
      await waitFor(
        'POST /track to answer 202 after the stall ended',
        async () => (await trackFresh(site.id, 'after-stall')).status === 202,
        { timeoutMs: 20_000, intervalMs: 100 },
      );
      for (let i = 0; i < 5; i += 1) {
        const answer = await trackFresh(site.id, 'recovered');
        expect(answer.status, answer.text).toBe(202);
        recovered += 1;
      }
      expect(recovered).toBe(5);
      expect((await probe('/health/ready')).status).toBe(200);

      const pageViews: { event_id: string; url: string }[] = await direct.query(
        'SELECT event_id, url FROM page_views WHERE site_id = $1',
        [site.id],
      );
      const stored = new Map(pageViews.map((row) => [row.event_id, row.url]));
      // Every 202 is stored exactly once, with its own URL.
      expect(pageViews).toHaveLength(accepted.size);
      expect(stored).toEqual(accepted);
      // Every event refused during the stall was sent after the proxy stopped forwarding, so no
      // statement carrying it reached PostgreSQL.
      expect(refused.size).toBeGreaterThanOrEqual(32);
      for (const eventId of refused.keys()) expect(stored.has(eventId)).toBe(false);
      const [{ receipts }]: { receipts: number }[] = await direct.query(
        'SELECT count(*)::int AS receipts FROM received_events WHERE event_id = ANY($1)',
        [[...refused.keys()]],
      );
      expect(receipts).toBe(0);
    });
  });

  describe('when PostgreSQL is down', () => {
    beforeAll(() => proxy.cut());
    afterAll(() => proxy.restore());

    it('should answer GET /health and GET /health/ready with 503 revealing nothing', async () => {
      for (const path of ['/health', '/health/ready']) {
        const answer = await probe(path);
        expect(answer.status, `${path}: ${answer.text}`).toBe(503);
        expect(answer.elapsedMs).toBeLessThan(HEALTH_TIMEOUT_MS + SLACK_MS);
        expectNothingRevealed(answer);
      }
    });
  });
});
