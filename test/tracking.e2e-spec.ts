import { createHash, randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import type { Site } from '../src/sites/entities/site.entity.js';
import type { TrackEventDto } from '../src/tracking/dto/track-event.dto.js';
import { ReceiptsPruner } from '../src/tracking/receipts-pruner.js';
import { TrackingService } from '../src/tracking/tracking.service.js';
import { CHROME_UA, countRows, IPHONE_UA, makeEvent, makeSite } from './utils/factories.js';
import { FakeClock } from './utils/fake-clock.js';
import { createTestApp, dataSourceOf } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

const MINUTE = 60_000;

describe('POST /track', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let dataSource: DataSource;
  let clock: FakeClock;
  let site: Site;

  const track = (body: unknown, userAgent: string | null = CHROME_UA) => {
    const req = request(app.getHttpServer()).post('/track');
    if (userAgent !== null) void req.set('User-Agent', userAgent);
    return req.send(body as object);
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    clock = new FakeClock();
    // One trusted proxy hop: the client address comes from the last X-Forwarded-For entry.
    app = await createTestApp({ databaseUrl: db.url, clock, env: { TRUST_PROXY: '1' } });
    dataSource = dataSourceOf(app);
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  beforeEach(async () => {
    site = await makeSite(dataSource);
  });

  describe('a valid event', () => {
    it('should answer 202 with an empty body and store one page view with its enrichments', async () => {
      const event = makeEvent(site.id, { fingerprint: 'browser-traits-123' });
      const res = await track(event).set('X-Forwarded-For', '203.0.113.77').expect(202);
      expect(res.text).toBe('');

      const [view] = await dataSource.query(`SELECT * FROM page_views WHERE site_id = $1`, [
        site.id,
      ]);
      expect(view).toMatchObject({
        url: event.url,
        hostname: 'example.com',
        path: '/pricing',
        title: 'Pricing — Example',
        referrer: 'https://news.ycombinator.com/item',
        referrer_host: 'news.ycombinator.com',
        utm_source: 'newsletter',
        utm_medium: 'email',
        utm_campaign: 'spring',
        screen_width: 1920,
        screen_height: 1080,
        load_time_ms: 420,
        browser: 'Chrome',
        browser_version: '131.0.0.0',
        os: 'Windows',
        os_version: '10',
        device_type: 'desktop',
        ip_address: '203.0.113.0',
      });
      expect(view.created_at.toISOString()).toBe(clock.now().toISOString());

      // The visit keeps what the stats read of it: where it came from and on what device.
      const [session] = await dataSource.query(`SELECT * FROM sessions WHERE site_id = $1`, [
        site.id,
      ]);
      expect(session).toMatchObject({
        id: view.session_id,
        entry_path: '/pricing',
        referrer: 'https://news.ycombinator.com/item',
        referrer_host: 'news.ycombinator.com',
        utm_source: 'newsletter',
        utm_medium: 'email',
        utm_campaign: 'spring',
        browser: 'Chrome',
        browser_version: '131.0.0.0',
        os: 'Windows',
        os_version: '10',
        device_type: 'desktop',
        screen_width: 1920,
      });

      const [visitor] = await dataSource.query(`SELECT * FROM visitors WHERE site_id = $1`, [
        site.id,
      ]);
      const expectedHash = createHash('sha256')
        .update(site.fingerprintSalt)
        .update('browser-traits-123')
        .digest('hex');
      expect(visitor.fingerprint_hash).toBe(expectedHash);
      expect(view.visitor_id).toBe(visitor.id);
    });

    it('should never store the raw client address, IPv6 included', async () => {
      await track(makeEvent(site.id))
        .set('X-Forwarded-For', '2001:db8:85a3:1234:5678:8a2e:370:7334')
        .expect(202);
      const rows = await dataSource.query(
        `SELECT host(ip_address) AS ip FROM page_views WHERE site_id = $1`,
        [site.id],
      );
      expect(rows).toEqual([{ ip: '2001:db8:85a3::' }]);
    });

    it('should parse a phone user agent as mobile', async () => {
      await track(makeEvent(site.id), IPHONE_UA).expect(202);
      const [view] = await dataSource.query(
        `SELECT browser, os, device_type FROM page_views WHERE site_id = $1`,
        [site.id],
      );
      expect(view).toEqual({ browser: 'Mobile Safari', os: 'iOS', device_type: 'mobile' });
    });

    it('should accept a text/plain body, as navigator.sendBeacon sends it', async () => {
      await request(app.getHttpServer())
        .post('/track')
        .set('User-Agent', CHROME_UA)
        .set('Content-Type', 'text/plain;charset=UTF-8')
        .send(JSON.stringify(makeEvent(site.id)))
        .expect(202);
      expect((await countRows(dataSource, site.id)).pageViews).toBe(1);
    });

    it('should give hashes that differ between sites for the same fingerprint', async () => {
      const other = await makeSite(dataSource);
      await track(makeEvent(site.id, { fingerprint: 'same' })).expect(202);
      await track(makeEvent(other.id, { fingerprint: 'same' })).expect(202);
      const rows = await dataSource.query(
        `SELECT fingerprint_hash FROM visitors WHERE site_id = ANY($1)`,
        [[site.id, other.id]],
      );
      expect(rows).toHaveLength(2);
      expect(rows[0].fingerprint_hash).not.toBe(rows[1].fingerprint_hash);
    });

    it('should echo a well-formed X-Request-Id and make one up otherwise', async () => {
      const given = await track(makeEvent(site.id)).set('X-Request-Id', 'req-42').expect(202);
      expect(given.headers['x-request-id']).toBe('req-42');
      const made = await track(makeEvent(site.id)).set('X-Request-Id', 'not a good id').expect(202);
      expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('sessions', () => {
    it('should join the session after 29 minutes and start a new one after 31 minutes of inactivity', async () => {
      const visit = (path: string) =>
        track(makeEvent(site.id, { fingerprint: 'returning', url: `https://example.com${path}` }));

      await visit('/a').expect(202);
      clock.advance(29 * MINUTE);
      await visit('/b').expect(202);
      clock.advance(31 * MINUTE);
      await visit('/c').expect(202);

      const sessions = await dataSource.query(
        `SELECT page_view_count, entry_path, exit_path, started_at, last_activity_at
           FROM sessions WHERE site_id = $1 ORDER BY started_at`,
        [site.id],
      );
      expect(sessions).toHaveLength(2);
      expect(sessions[0]).toMatchObject({ page_view_count: 2, entry_path: '/a', exit_path: '/b' });
      expect(sessions[0].last_activity_at - sessions[0].started_at).toBe(29 * MINUTE);
      expect(sessions[1]).toMatchObject({ page_view_count: 1, entry_path: '/c', exit_path: '/c' });

      const visitors = await dataSource.query(
        `SELECT total_visits, total_page_views, first_seen_at, last_seen_at FROM visitors WHERE site_id = $1`,
        [site.id],
      );
      expect(visitors).toHaveLength(1);
      expect(visitors[0]).toMatchObject({ total_visits: 2, total_page_views: 3 });
      expect(visitors[0].last_seen_at - visitors[0].first_seen_at).toBe(60 * MINUTE);
    });

    it('should split the hits of one visitor that share a batch into sessions by time, not by arrival', async () => {
      const fingerprint = `batch-${randomUUID()}`;
      const start = clock.now().getTime();
      // Arrival order; the four events are taken in one batch (one statement).
      const hits = [
        { path: '/c', at: start + 50 * MINUTE },
        { path: '/a', at: start },
        { path: '/b', at: start + 10 * MINUTE },
        { path: '/d', at: start + 55 * MINUTE },
      ];
      const now = vi.spyOn(clock, 'now');
      for (const hit of hits) now.mockReturnValueOnce(new Date(hit.at));
      const tracking = app.get(TrackingService);
      const outcomes = await Promise.all(
        hits.map((hit) =>
          tracking.track({
            event: makeEvent(site.id, {
              fingerprint,
              url: `https://example.com${hit.path}`,
            }) as unknown as TrackEventDto,
            userAgent: CHROME_UA,
            ip: '203.0.113.9',
            origin: undefined,
          }),
        ),
      );
      now.mockRestore();
      expect(outcomes).toEqual(Array(4).fill({ status: 'stored' }));

      const sessions = await dataSource.query(
        `SELECT id, page_view_count, entry_path, exit_path, started_at, last_activity_at
           FROM sessions WHERE site_id = $1 ORDER BY started_at`,
        [site.id],
      );
      expect(sessions).toMatchObject([
        { page_view_count: 2, entry_path: '/a', exit_path: '/b' },
        { page_view_count: 2, entry_path: '/c', exit_path: '/d' },
      ]);
      expect(sessions[0].last_activity_at - sessions[0].started_at).toBe(10 * MINUTE);
      expect(sessions[1].started_at.getTime()).toBe(start + 50 * MINUTE);
      const [visitor] = await dataSource.query(
        `SELECT total_visits, total_page_views, last_session_id FROM visitors WHERE site_id = $1`,
        [site.id],
      );
      expect(visitor).toEqual({
        total_visits: 2,
        total_page_views: 4,
        last_session_id: sessions[1].id,
      });
    });

    it('should make exactly one visitor and one session from 50 concurrent first hits', async () => {
      const fingerprint = `burst-${randomUUID()}`;
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          track(makeEvent(site.id, { fingerprint, url: `https://example.com/p/${i}` })),
        ),
      );
      expect(responses.map((res) => res.status)).toEqual(Array(50).fill(202));
      expect(await countRows(dataSource, site.id)).toEqual({
        visitors: 1,
        sessions: 1,
        pageViews: 50,
      });
    });

    it('should keep the trigger-maintained counters equal to the row counts', async () => {
      const fingerprints = ['v1', 'v2', 'v3'];
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          track(makeEvent(site.id, { fingerprint: fingerprints[i % 3] })),
        ),
      );
      clock.advance(45 * MINUTE);
      await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          track(makeEvent(site.id, { fingerprint: fingerprints[i % 2] })),
        ),
      );

      const mismatches = await dataSource.query(
        `SELECT v.id FROM visitors v
          WHERE v.site_id = $1
            AND (v.total_page_views <> (SELECT count(*) FROM page_views p WHERE p.visitor_id = v.id)
              OR v.total_visits <> (SELECT count(*) FROM sessions s WHERE s.visitor_id = v.id)
              OR v.last_seen_at <> (SELECT max(created_at) FROM page_views p WHERE p.visitor_id = v.id)
              OR v.last_session_id IS DISTINCT FROM
                 (SELECT id FROM sessions s WHERE s.visitor_id = v.id ORDER BY started_at DESC LIMIT 1))
         UNION ALL
         SELECT s.id FROM sessions s
          WHERE s.site_id = $1
            AND (s.page_view_count <> (SELECT count(*) FROM page_views p WHERE p.session_id = s.id)
              OR s.last_activity_at <> (SELECT max(created_at) FROM page_views p WHERE p.session_id = s.id))`,
        [site.id],
      );
      expect(mismatches).toEqual([]);
      expect(await countRows(dataSource, site.id)).toEqual({
        visitors: 3,
        sessions: 5,
        pageViews: 42,
      });
    });
  });

  describe('retries', () => {
    it('should store a repeated event_id once and answer 202 both times', async () => {
      const event = makeEvent(site.id, { event_id: randomUUID() });
      await track(event).expect(202);
      await track(event).expect(202);
      expect((await countRows(dataSource, site.id)).pageViews).toBe(1);
    });

    it('should store a repeated event_id once when the copies arrive together', async () => {
      const event = makeEvent(site.id, { event_id: randomUUID() });
      const responses = await Promise.all([track(event), track(event), track(event)]);
      expect(responses.map((res) => res.status)).toEqual([202, 202, 202]);
      expect((await countRows(dataSource, site.id)).pageViews).toBe(1);
    });

    it('should leave no visitor or session behind for a repeat that arrives in a batch with new events', async () => {
      const stored = makeEvent(site.id, { event_id: randomUUID(), fingerprint: 'original' });
      await track(stored).expect(202);
      // The repeat claims another browser: if it were written before being recognised, it would
      // leave a visitor and a session without page views.
      const repeat = { ...stored, fingerprint: 'someone-else' };
      const fresh = Array.from({ length: 8 }, (_, i) =>
        makeEvent(site.id, { event_id: randomUUID(), fingerprint: `new-${i}` }),
      );
      const responses = await Promise.all([repeat, ...fresh].map((event) => track(event)));
      expect(responses.map((res) => res.status)).toEqual(Array(9).fill(202));
      expect(await countRows(dataSource, site.id)).toEqual({
        visitors: 9,
        sessions: 9,
        pageViews: 9,
      });
      const ghosts = await dataSource.query(
        `SELECT count(*)::int AS n FROM sessions WHERE site_id = $1 AND page_view_count = 0`,
        [site.id],
      );
      expect(ghosts).toEqual([{ n: 0 }]);
    });

    it('should store the same event_id sent to two different sites on each', async () => {
      const other = await makeSite(dataSource);
      const eventId = randomUUID();
      await track(makeEvent(site.id, { event_id: eventId })).expect(202);
      await track(makeEvent(other.id, { event_id: eventId })).expect(202);
      expect((await countRows(dataSource, other.id)).pageViews).toBe(1);
    });
  });

  describe('event_id retention', () => {
    it('should forget receipts older than EVENT_ID_RETENTION_DAYS (30) and keep the newer ones', async () => {
      const old = makeEvent(site.id, { event_id: randomUUID() });
      await track(old).expect(202);
      clock.advance(31 * 24 * 60 * MINUTE);
      const recent = makeEvent(site.id, { event_id: randomUUID() });
      await track(recent).expect(202);

      expect(await app.get(ReceiptsPruner).prune()).toBeGreaterThanOrEqual(1);

      const receipts = await dataSource.query(
        `SELECT event_id FROM received_events WHERE site_id = $1`,
        [site.id],
      );
      expect(receipts).toEqual([{ event_id: recent.event_id }]);
      // A retry within the retention is still recognised; one after it is stored again.
      await track(recent).expect(202);
      await track(old).expect(202);
      expect((await countRows(dataSource, site.id)).pageViews).toBe(3);
    });
  });

  describe('text PostgreSQL cannot hold', () => {
    it('should clean NUL characters and unpaired surrogates instead of failing', async () => {
      const res = await request(app.getHttpServer())
        .post('/track')
        .set('User-Agent', CHROME_UA)
        .set('Content-Type', 'application/json')
        .send(
          `{"site_id":"${site.id}","url":"https://example.com/x%00y/%ED%A0%80/%E0%A4%A",` +
            `"title":"a\\u0000b\\ud800c","referrer":"https://r.example/\\udfff",` +
            `"fingerprint":"f\\u0000p"}`,
        );
      expect(res.status).toBe(202);
      const [view] = await dataSource.query(
        `SELECT title, path, referrer FROM page_views WHERE site_id = $1`,
        [site.id],
      );
      expect(view.title).toBe('ab\uFFFDc');
      // The referrer is kept as a URL: U+FFFD percent-encoded, as a browser sends it.
      expect(view.referrer).toBe('https://r.example/%EF%BF%BD');
      expect(view.path).toBe('/x%00y/%ED%A0%80/%E0%A4%A');
    });

    it('should clean percent-encoded NUL and invalid UTF-8 in campaign parameters', async () => {
      await track(
        makeEvent(site.id, {
          url: 'https://example.com/?utm_source=a%00b&utm_campaign=%ED%A0%80x',
        }),
      ).expect(202);
      const [view] = await dataSource.query(
        `SELECT utm_source, utm_campaign FROM page_views WHERE site_id = $1`,
        [site.id],
      );
      expect(view.utm_source).toBe('ab');
      expect(view.utm_campaign).not.toContain('\u0000');
    });

    it('should refuse a fingerprint that is nothing but NUL characters', async () => {
      const res = await track(makeEvent(site.id, { fingerprint: '\u0000\u0000' })).expect(400);
      expect(res.body.message).toEqual(['fingerprint is required and must not be empty or blank']);
    });
  });

  describe('bots', () => {
    it.each([
      ['a crawler', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'],
      ['headless Chrome', CHROME_UA.replace('Chrome/', 'HeadlessChrome/')],
      ['curl', 'curl/8.5.0'],
    ])('should answer %s with 204 and X-Trackveil-Ignored: bot, storing nothing', async (_, ua) => {
      const res = await track(makeEvent(site.id), ua).expect(204);
      expect(res.headers['x-trackveil-ignored']).toBe('bot');
      expect(await countRows(dataSource, site.id)).toEqual({
        visitors: 0,
        sessions: 0,
        pageViews: 0,
      });
    });

    it('should treat a request without a User-Agent as a bot', async () => {
      const res = await track(makeEvent(site.id), null).expect(204);
      expect(res.headers['x-trackveil-ignored']).toBe('bot');
      expect((await countRows(dataSource, site.id)).pageViews).toBe(0);
    });
  });

  describe('errors', () => {
    it('should answer 400 naming every bad field, storing nothing', async () => {
      const res = await track({
        site_id: 'not-a-uuid',
        url: 'javascript:alert(1)',
        title: 'x'.repeat(513),
        referrer: 'r'.repeat(2049),
        screen_width: -1,
        screen_height: 100_001,
        fingerprint: '',
        load_time_ms: 600_001,
        event_id: 'nope',
      }).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(res.body.requestId).toBeTruthy();
      const text = (res.body.message as string[]).join('\n');
      for (const field of [
        'site_id',
        'url',
        'title',
        'referrer',
        'screen_width',
        'screen_height',
        'fingerprint',
        'load_time_ms',
        'event_id',
      ]) {
        expect(text).toContain(field);
      }
      expect(res.text).not.toMatch(/at \w+ \(|node_modules/);
    });

    it('should answer 400 for missing required fields and for a non-integer size', async () => {
      const res = await track({ screen_width: 12.5 }).expect(400);
      const text = (res.body.message as string[]).join('\n');
      expect(text).toMatch(/site_id/);
      expect(text).toMatch(/url/);
      expect(text).toMatch(/fingerprint/);
      expect(text).toMatch(/screen_width must be an integer/);
    });

    it('should answer 400 for a body that is not JSON, or is a JSON array', async () => {
      const notJson = await request(app.getHttpServer())
        .post('/track')
        .set('User-Agent', CHROME_UA)
        .set('Content-Type', 'application/json')
        .send('{"site_id": ')
        .expect(400);
      expect(notJson.body.message).toMatch(/not valid JSON/);
      await request(app.getHttpServer())
        .post('/track')
        .set('User-Agent', CHROME_UA)
        .set('Content-Type', 'text/plain')
        .send(JSON.stringify([makeEvent(site.id)]))
        .expect(400);
      expect((await countRows(dataSource, site.id)).pageViews).toBe(0);
    });

    it('should answer 404 for an unknown site', async () => {
      const res = await track(makeEvent(randomUUID())).expect(404);
      expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
      expect(res.body.message).toMatch(/data-site-id/);
    });

    it('should answer 404 for a deactivated site, storing nothing', async () => {
      const inactive = await makeSite(dataSource, { isActive: false });
      await track(makeEvent(inactive.id)).expect(404);
      expect(await countRows(dataSource, inactive.id)).toEqual({
        visitors: 0,
        sessions: 0,
        pageViews: 0,
      });
    });

    it('should answer 413 for a body over 8 KB, storing nothing', async () => {
      const res = await track(makeEvent(site.id, { title: 'x'.repeat(9000) })).expect(413);
      expect(res.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
      expect((await countRows(dataSource, site.id)).pageViews).toBe(0);
    });

    it.each([
      ['text/html'],
      ['application/x-www-form-urlencoded'],
      ['multipart/form-data; boundary=x'],
    ])('should answer 415 for Content-Type %s, storing nothing', async (contentType) => {
      const res = await request(app.getHttpServer())
        .post('/track')
        .set('User-Agent', CHROME_UA)
        .set('Content-Type', contentType)
        .send(JSON.stringify(makeEvent(site.id)))
        .expect(415);
      expect(res.body).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });
      expect((await countRows(dataSource, site.id)).pageViews).toBe(0);
    });
  });

  describe('client address', () => {
    it('should ignore X-Forwarded-For beyond the trusted hops', async () => {
      await track(makeEvent(site.id))
        .set('X-Forwarded-For', '198.51.100.9, 192.0.2.44')
        .expect(202);
      const rows = await dataSource.query(
        `SELECT host(ip_address) AS ip FROM page_views WHERE site_id = $1`,
        [site.id],
      );
      expect(rows).toEqual([{ ip: '192.0.2.0' }]);
    });
  });

  describe('CORS and allowed domains', () => {
    it('should answer a preflight from any origin', async () => {
      const res = await request(app.getHttpServer())
        .options('/track')
        .set('Origin', 'https://customer.example')
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'content-type')
        .expect(204);
      expect(res.headers['access-control-allow-origin']).toBe('https://customer.example');
      expect(res.headers['access-control-allow-methods']).toContain('POST');
      expect(res.headers['access-control-allow-headers']?.toLowerCase()).toContain('content-type');
    });

    it('should accept a cross-origin POST and allow the page to read the answer', async () => {
      const res = await track(makeEvent(site.id))
        .set('Origin', 'https://anywhere.example')
        .expect(202);
      expect(res.headers['access-control-allow-origin']).toBe('https://anywhere.example');
    });

    it('should refuse with 403 an Origin outside the allowed domains, storing nothing', async () => {
      const guarded = await makeSite(dataSource, { allowedDomains: ['example.com'] });
      const res = await track(makeEvent(guarded.id))
        .set('Origin', 'https://evil.example')
        .expect(403);
      expect(res.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
      await track(makeEvent(guarded.id)).set('Origin', 'https://badexample.com').expect(403);
      await track(makeEvent(guarded.id)).set('Origin', 'null').expect(403);
      expect((await countRows(dataSource, guarded.id)).pageViews).toBe(0);
    });

    it('should accept the allowed domain and its subdomains', async () => {
      const guarded = await makeSite(dataSource, { allowedDomains: ['example.com'] });
      await track(makeEvent(guarded.id)).set('Origin', 'https://example.com').expect(202);
      await track(makeEvent(guarded.id)).set('Origin', 'https://www.example.com').expect(202);
      expect((await countRows(dataSource, guarded.id)).pageViews).toBe(2);
    });

    it('should check the page URL when the request has no Origin', async () => {
      const guarded = await makeSite(dataSource, { allowedDomains: ['example.com'] });
      await track(makeEvent(guarded.id, { url: 'https://other.example/' })).expect(403);
      await track(makeEvent(guarded.id, { url: 'https://blog.example.com/' })).expect(202);
      expect((await countRows(dataSource, guarded.id)).pageViews).toBe(1);
    });
  });
});
