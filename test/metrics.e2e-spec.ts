import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import type { Site } from '../src/sites/entities/site.entity.js';
import { CHROME_UA, countRows, makeEvent, makeSite } from './utils/factories.js';
import { findSamples, parsePrometheus, type Sample, sampleValue } from './utils/prometheus.js';
import { createTestApp, dataSourceOf } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

const BOT_UA = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

const STORED = { outcome: 'accepted', reason: 'stored' };
const BOT = { outcome: 'ignored', reason: 'bot' };
const INVALID = { outcome: 'rejected', reason: 'invalid' };

describe('GET /metrics', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let dataSource: DataSource;
  let site: Site;

  const scrape = async (): Promise<{ text: string; samples: Sample[] }> => {
    const res = await request(app.getHttpServer()).get('/metrics').expect(200);
    return { text: res.text, samples: parsePrometheus(res.text) };
  };
  const track = (body: object, userAgent = CHROME_UA) =>
    request(app.getHttpServer()).post('/track').set('User-Agent', userAgent).send(body);

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({ databaseUrl: db.url });
    dataSource = dataSourceOf(app);
    site = await makeSite(dataSource);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('should answer with the Prometheus text format, including the process metrics', async () => {
    const res = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/^# HELP trackveil_events_total /m);
    expect(res.text).toMatch(/^# TYPE trackveil_events_total counter$/m);
    const samples = parsePrometheus(res.text);
    expect(findSamples(samples, 'process_cpu_user_seconds_total')).toHaveLength(1);
  });

  it('should count stored, bot and invalid events by exactly the number sent, with the database agreeing', async () => {
    const before = (await scrape()).samples;
    const fingerprints = [`fp-${randomUUID()}`, `fp-${randomUUID()}`, `fp-${randomUUID()}`];

    for (const fingerprint of fingerprints) {
      await track(makeEvent(site.id, { fingerprint })).expect(202);
    }
    for (let i = 0; i < 2; i += 1) {
      await track(makeEvent(site.id), BOT_UA).expect(204);
    }
    await track(makeEvent(site.id, { screen_width: -1 })).expect(400);

    const { text, samples: after } = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) =>
      sampleValue(after, name, labels) - sampleValue(before, name, labels);

    expect(delta('trackveil_events_total', STORED)).toBe(3);
    expect(delta('trackveil_events_total', BOT)).toBe(2);
    expect(delta('trackveil_events_total', INVALID)).toBe(1);
    // Every event committed went through a batch: at least one more batch, at most one per event.
    const batches = delta('trackveil_ingest_batch_size_count');
    expect(batches).toBeGreaterThanOrEqual(1);
    expect(batches).toBeLessThanOrEqual(3);
    expect(delta('trackveil_ingest_batch_size_sum')).toBe(3);

    // What the counters say is what the database holds: the 3 stored events and nothing else.
    expect(await countRows(dataSource, site.id)).toEqual({
      visitors: 3,
      sessions: 3,
      pageViews: 3,
    });

    // No label, nor anything else in the exposition, names a site or a visitor.
    expect(text).not.toContain(site.id);
    for (const fingerprint of fingerprints) expect(text).not.toContain(fingerprint);
    const hashes: { fingerprint_hash: string }[] = await dataSource.query(
      'SELECT fingerprint_hash FROM visitors WHERE site_id = $1',
      [site.id],
    );
    for (const { fingerprint_hash } of hashes) expect(text).not.toContain(fingerprint_hash);
    const labelValues = after.flatMap((sample) => Object.values(sample.labels));
    for (const value of labelValues) {
      expect(value).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i);
      expect(value).not.toMatch(/^fp-|[0-9a-f]{64}/);
    }
  });

  it('should count HTTP requests by route pattern and status, with a latency histogram', async () => {
    await track(makeEvent(site.id)).expect(202);
    const { samples } = await scrape();

    const tracked = findSamples(samples, 'trackveil_http_requests_total', {
      method: 'POST',
      route: '/track',
      status: '202',
    });
    expect(tracked).toHaveLength(1);
    expect(tracked[0].value).toBeGreaterThanOrEqual(1);

    const buckets = findSamples(samples, 'trackveil_http_request_duration_seconds_bucket', {
      route: '/track',
      status: '202',
    });
    expect(buckets.length).toBeGreaterThan(0);
    expect(buckets.find((bucket) => bucket.labels.le === '+Inf')?.value).toBe(tracked[0].value);
  });

  it('should label requests to unknown paths by one fixed route, never by their URL', async () => {
    const unmatched = (samples: Sample[]) =>
      findSamples(samples, 'trackveil_http_requests_total', { method: 'GET', status: '404' });
    const paths = [`/probe-${randomUUID()}`, `/wp-admin/${randomUUID()}.php`];
    for (const path of paths) await request(app.getHttpServer()).get(path).expect(404);

    const { text, samples } = await scrape();
    for (const path of paths) expect(text).not.toContain(path);
    // Both probes land in the same single series, so scanners cannot add series.
    const series = unmatched(samples);
    expect(series).toHaveLength(1);
    expect(series[0].labels.route).toBe('unmatched');
    expect(series[0].value).toBe(2);
  });

  it('should report the database pool, including its maximum size', async () => {
    const { samples } = await scrape();
    const max = findSamples(samples, 'trackveil_db_pool_connections', { state: 'max' });
    expect(max).toHaveLength(1);
    expect(max[0].value).toBe(10); // DATABASE_POOL_SIZE's default
    for (const state of ['total', 'idle', 'waiting']) {
      expect(findSamples(samples, 'trackveil_db_pool_connections', { state })).toHaveLength(1);
    }
  });
});
