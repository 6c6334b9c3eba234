import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import {
  FilteredTrafficService,
  MAX_PENDING_KEYS,
} from '../src/filtered-traffic/filtered-traffic.service.js';
import type { Site } from '../src/sites/entities/site.entity.js';
import {
  parseSpamDomains,
  REFERRER_SPAM_FILE,
} from '../src/tracking/referrer-spam/referrer-spam-list.js';
import { CHROME_UA, makeEvent, makeSite } from './utils/factories.js';
import { FakeClock } from './utils/fake-clock.js';
import { createTestApp, dataSourceOf } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
const SPAM = parseSpamDomains(readFileSync(REFERRER_SPAM_FILE, 'utf8'))[0];
const RATE_LIMIT = 3;
/** 03:30 UTC on June 2 is 23:30 on June 1 in New York (UTC-4 in summer). */
const START = Date.parse('2026-06-02T03:30:00.000Z');
const HOUR = 3_600_000;

describe('filtered traffic: /track requests that stored nothing, per site, hour and reason', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let dataSource: DataSource;
  let filtered: FilteredTrafficService;
  let clock: FakeClock;
  let site: Site;
  let address = 0;

  /** Each call from a new client address unless one is given, so only the rate-limit test hits the limit. */
  const track = (
    body: object | string,
    { path = '/track', from = `198.51.100.${(address += 1) % 250}`, ua = CHROME_UA } = {},
  ) =>
    request(app.getHttpServer())
      .post(path)
      .set('User-Agent', ua)
      .set('X-Forwarded-For', from)
      .set('Origin', 'https://example.com')
      .send(body);

  const rowsOf = async (siteId: string) =>
    dataSource.query<{ hour: string; reason: string; count: string }[]>(
      `SELECT to_char(hour AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI') AS hour, reason,
              count::text AS count
         FROM filtered_traffic WHERE site_id = $1 ORDER BY hour, reason`,
      [siteId],
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    clock = new FakeClock(START);
    app = await createTestApp({
      databaseUrl: db.url,
      clock,
      env: { RATE_LIMIT_MAX_REQUESTS: String(RATE_LIMIT), TRUST_PROXY: '1' },
    });
    dataSource = dataSourceOf(app);
    filtered = app.get(FilteredTrafficService);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  beforeEach(async () => {
    site = await makeSite(dataSource, { allowedDomains: ['example.com'] });
  });

  it('should count every ignored or refused request of the site by reason, and nothing else', async () => {
    const event = () => makeEvent(site.id);
    const withSite = `/track?s=${site.id}`;

    await track(event(), { ua: GOOGLEBOT }).expect(204);
    await track(event(), { ua: '' }).expect(204);
    await track(makeEvent(site.id, { referrer: `https://${SPAM}/` })).expect(204);
    await track(event(), { path: withSite }).set('Sec-Purpose', 'prefetch').expect(204);
    // A prefetch without `?s=` is decided before the body is read: its site is unknown.
    await track(event()).set('Sec-Purpose', 'prefetch').expect(204);
    await track(event()).set('Origin', 'https://elsewhere.example.net').expect(403);
    await track({ site_id: site.id, url: 42 }).expect(400);
    await track('<html>', { path: withSite }).set('Content-Type', 'text/html').expect(415);
    await track('x'.repeat(9000), { path: withSite }).set('Content-Type', 'text/plain').expect(413);
    for (let n = 0; n < RATE_LIMIT; n += 1) {
      await track(event(), { from: '203.0.113.9' }).expect(202);
    }
    await track(event(), { from: '203.0.113.9', path: withSite }).expect(429);
    await track(event(), { from: '203.0.113.9', path: withSite }).expect(429);
    await track(event(), { from: '203.0.113.9' }).expect(429);
    // A repeat of a stored event_id is not filtered traffic.
    const eventId = randomUUID();
    await track(makeEvent(site.id, { event_id: eventId })).expect(202);
    await track(makeEvent(site.id, { event_id: eventId })).expect(202);

    await filtered.flush();

    expect(await rowsOf(site.id)).toEqual(
      [
        ['bot', '2'],
        ['invalid', '1'],
        ['origin_not_allowed', '1'],
        ['prefetch', '1'],
        ['rate_limited', '2'],
        ['referrer_spam', '1'],
        ['too_large', '1'],
        ['unsupported_media_type', '1'],
      ].map(([reason, count]) => ({ hour: '2026-06-02T03:00', reason, count })),
    );
  });

  it('should count events of an inactive site as site_not_found', async () => {
    const inactive = await makeSite(dataSource, { isActive: false });

    await track(makeEvent(inactive.id)).expect(404);
    await filtered.flush();

    expect(await rowsOf(inactive.id)).toEqual([
      { hour: '2026-06-02T03:00', reason: 'site_not_found', count: '1' },
    ]);
  });

  it('should add up counts across flushes and hours, and read them per day in the site time zone', async () => {
    await track(makeEvent(site.id), { ua: GOOGLEBOT }).expect(204);
    await filtered.flush();
    await track(makeEvent(site.id), { ua: GOOGLEBOT }).expect(204);
    clock.advance(HOUR);
    await track(makeEvent(site.id), { ua: GOOGLEBOT }).expect(204);
    await track(makeEvent(site.id, { referrer: `https://${SPAM}/` })).expect(204);
    await filtered.flush();
    clock.advance(-HOUR);

    expect(await rowsOf(site.id)).toEqual([
      { hour: '2026-06-02T03:00', reason: 'bot', count: '2' },
      { hour: '2026-06-02T04:00', reason: 'bot', count: '1' },
      { hour: '2026-06-02T04:00', reason: 'referrer_spam', count: '1' },
    ]);
    const from = new Date('2026-06-01T00:00:00Z');
    const to = new Date('2026-06-03T00:00:00Z');
    // 03:00 UTC is still June 1 in New York; 04:00 UTC is June 2.
    expect(await filtered.countsByDay(site.id, from, to, 'America/New_York')).toEqual({
      days: [
        { date: '2026-06-01', reason: 'bot', count: 2 },
        { date: '2026-06-02', reason: 'bot', count: 1 },
        { date: '2026-06-02', reason: 'referrer_spam', count: 1 },
      ],
      totals: [
        { reason: 'bot', count: 3 },
        { reason: 'referrer_spam', count: 1 },
      ],
    });
    expect((await filtered.countsByDay(site.id, from, to, 'UTC')).days).toEqual([
      { date: '2026-06-02', reason: 'bot', count: 3 },
      { date: '2026-06-02', reason: 'referrer_spam', count: 1 },
    ]);
    // [from, to): the hour starting at `to` is left out.
    const upTo4 = await filtered.countsByDay(
      site.id,
      from,
      new Date('2026-06-02T04:00:00Z'),
      'America/New_York',
    );
    expect(upTo4.totals).toEqual([{ reason: 'bot', count: 2 }]);
  });

  it('should write nothing for an unknown site id and keep the other sites of the same flush', async () => {
    const unknown = randomUUID();

    await track(makeEvent(unknown), { ua: GOOGLEBOT }).expect(204);
    await track(makeEvent(unknown)).expect(404);
    filtered.record(unknown, 'rate_limited');
    await track(makeEvent(site.id), { ua: GOOGLEBOT }).expect(204);
    await filtered.flush();

    expect(await rowsOf(unknown)).toEqual([]);
    expect(await rowsOf(site.id)).toEqual([
      { hour: '2026-06-02T03:00', reason: 'bot', count: '1' },
    ]);
    await track(makeEvent(site.id), { ua: GOOGLEBOT }).expect(204);
    await filtered.flush();
    expect((await rowsOf(site.id))[0]?.count).toBe('2');
  });

  it('should keep the counts of a failed flush for the next one', async () => {
    await track(makeEvent(site.id), { ua: GOOGLEBOT }).expect(204);
    await track(makeEvent(site.id), { ua: GOOGLEBOT }).expect(204);
    await dataSource.query('ALTER TABLE filtered_traffic RENAME TO filtered_traffic_away');
    try {
      await filtered.flush();
      await track(makeEvent(site.id), { ua: GOOGLEBOT }).expect(204);
    } finally {
      await dataSource.query('ALTER TABLE filtered_traffic_away RENAME TO filtered_traffic');
    }
    await filtered.flush();

    expect(await rowsOf(site.id)).toEqual([
      { hour: '2026-06-02T03:00', reason: 'bot', count: '3' },
    ]);
  });

  it(`should hold at most ${MAX_PENDING_KEYS} counts between flushes, still adding to those it holds`, async () => {
    const late = await makeSite(dataSource);
    filtered.record(site.id, 'bot');
    for (let n = 1; n < MAX_PENDING_KEYS; n += 1) filtered.record(randomUUID(), 'bot');
    filtered.record(late.id, 'bot');
    filtered.record(site.id, 'bot');
    await filtered.flush();

    expect(await rowsOf(site.id)).toEqual([
      { hour: '2026-06-02T03:00', reason: 'bot', count: '2' },
    ]);
    expect(await rowsOf(late.id)).toEqual([]);
    filtered.record(late.id, 'bot');
    await filtered.flush();
    expect(await rowsOf(late.id)).toHaveLength(1);
  });

  it('should delete rows older than 25 months and keep the rest', async () => {
    const now = clock.now();
    const cutoff = new Date(now);
    cutoff.setUTCMonth(cutoff.getUTCMonth() - 25);
    await dataSource.query(
      `INSERT INTO filtered_traffic (site_id, hour, reason, count)
       SELECT $1, unnest($2::timestamptz[]), 'bot', 5`,
      [site.id, [new Date(cutoff.getTime() - 2 * HOUR), new Date(cutoff.getTime() + HOUR)]],
    );

    expect(await filtered.prune()).toBe(1);

    const rows: { hour: Date }[] = await dataSource.query(
      'SELECT hour FROM filtered_traffic WHERE site_id = $1',
      [site.id],
    );
    expect(rows.map((row) => row.hour.getTime())).toEqual([cutoff.getTime() + HOUR]);
  });

  it('should write what it holds when the app closes', async () => {
    const other = await createTestApp({ databaseUrl: db.url, clock });
    other.get(FilteredTrafficService).record(site.id, 'prefetch');
    await other.close();

    expect(await rowsOf(site.id)).toEqual([
      { hour: '2026-06-02T03:00', reason: 'prefetch', count: '1' },
    ]);
  });

  it('should count a request that finishes while the app closes', async () => {
    const other = await createTestApp({ databaseUrl: db.url, clock });
    await other.listen(0, '127.0.0.1');
    const server = other.getHttpServer();
    const { port } = server.address() as AddressInfo;
    const arrived = new Promise((resolve) => server.once('request', resolve));
    const body = JSON.stringify(makeEvent(site.id));
    const sending = http.request({
      host: '127.0.0.1',
      port,
      path: '/track',
      method: 'POST',
      headers: {
        'Content-Type': 'text/plain',
        'Content-Length': Buffer.byteLength(body),
        'User-Agent': GOOGLEBOT,
        Connection: 'close',
      },
    });
    const answered = new Promise<number>((resolve, reject) => {
      sending.on('response', (res) => resolve(res.statusCode ?? 0)).on('error', reject);
    });
    sending.write(body.slice(0, 10));
    await arrived;
    // The body is still arriving when the close starts, so the request is counted after every
    // beforeApplicationShutdown hook.
    const closing = other.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    sending.end(body.slice(10));

    expect(await answered).toBe(204);
    await closing;
    expect(await rowsOf(site.id)).toEqual([
      { hour: '2026-06-02T03:00', reason: 'bot', count: '1' },
    ]);
  });
});
