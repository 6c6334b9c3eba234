import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import type { Site } from '../src/sites/entities/site.entity.js';
import {
  parseSpamDomains,
  REFERRER_SPAM_FILE,
  ReferrerSpamList,
} from '../src/tracking/referrer-spam/referrer-spam-list.js';
import { CHROME_UA, countRows, makeEvent, makeSite } from './utils/factories.js';
import { parsePrometheus, type Sample, sampleValue } from './utils/prometheus.js';
import { createTestApp, dataSourceOf } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

const PAGE_ORIGIN = 'https://example.com';

/**
 * A domain of the shipped list with two labels, whose look-alike `not<domain>` is not listed:
 * read from the file, so the tests follow the list when it is refreshed.
 */
function pickSpamDomain(): string {
  const list = ReferrerSpamList.fromFile();
  const domain = parseSpamDomains(readFileSync(REFERRER_SPAM_FILE, 'utf8')).find(
    (name) => /^[a-z0-9-]+\.[a-z]+$/.test(name) && !list.hasHost(`not${name}`),
  );
  if (!domain) throw new Error('The referrer spam list has no two-label domain to test with.');
  return domain;
}

describe('POST /track: traffic that is not a visit', () => {
  const spam = pickSpamDomain();
  let db: TestDatabase;
  let app: NestExpressApplication;
  let dataSource: DataSource;
  let site: Site;

  const track = (body: object | string, headers: Record<string, string> = {}) =>
    request(app.getHttpServer())
      .post('/track')
      .set('User-Agent', CHROME_UA)
      .set('Origin', PAGE_ORIGIN)
      .set(headers)
      .send(body);

  const scrape = async (): Promise<Sample[]> =>
    parsePrometheus((await request(app.getHttpServer()).get('/metrics').expect(200)).text);

  /** How many events of each outcome/reason `action` added to `trackveil_events_total`. */
  const countedBy = async (
    action: () => Promise<void>,
  ): Promise<(outcome: string, reason: string) => number> => {
    const before = await scrape();
    await action();
    const after = await scrape();
    return (outcome, reason) =>
      sampleValue(after, 'trackveil_events_total', { outcome, reason }) -
      sampleValue(before, 'trackveil_events_total', { outcome, reason });
  };

  /** Every row an event of the site could have left, page views and custom events alike. */
  const storedFor = async (siteId: string) => {
    const [row]: { events: number; receipts: number }[] = await dataSource.query(
      `SELECT (SELECT count(*)::int FROM events WHERE site_id = $1) AS events,
              (SELECT count(*)::int FROM received_events WHERE site_id = $1) AS receipts`,
      [siteId],
    );
    return { ...(await countRows(dataSource, siteId)), ...row };
  };
  const NOTHING = { visitors: 0, sessions: 0, pageViews: 0, events: 0, receipts: 0 };

  const expectIgnored = (res: request.Response, reason: string) => {
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(res.headers['x-trackveil-ignored']).toBe(reason);
    // A page on another origin may read why (CORS), like any other answer of /track.
    expect(res.headers['access-control-allow-origin']).toBe(PAGE_ORIGIN);
    expect(res.headers['access-control-expose-headers']).toContain('X-Trackveil-Ignored');
    expect(res.headers['x-request-id']).toBeTruthy();
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({ databaseUrl: db.url });
    dataSource = dataSourceOf(app);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  beforeEach(async () => {
    site = await makeSite(dataSource);
  });

  describe('speculative requests', () => {
    it.each([
      ['Sec-Purpose', 'prefetch'],
      ['Sec-Purpose', 'prefetch;prerender'],
      ['Sec-Purpose', 'prefetch;anonymous-client-ip'],
      ['Purpose', 'prefetch'],
      ['Purpose', 'PreFetch'],
      ['X-Purpose', 'preview'],
      ['X-Purpose', 'prefetch'],
      ['X-Moz', 'prefetch'],
    ])(
      'should answer %s: %s with 204 and X-Trackveil-Ignored: prefetch, storing nothing',
      async (header, value) => {
        const count = await countedBy(async () => {
          for (let i = 0; i < 3; i += 1) {
            const res = await track(makeEvent(site.id, { event_id: randomUUID() }), {
              [header]: value,
            });
            expectIgnored(res, 'prefetch');
          }
        });

        expect(count('ignored', 'prefetch')).toBe(3);
        expect(count('accepted', 'stored')).toBe(0);
        expect(await storedFor(site.id)).toEqual(NOTHING);
      },
    );

    it('should ignore a prefetch without reading its body', async () => {
      const count = await countedBy(async () => {
        const res = await track('{"not": "an event"', {
          'Content-Type': 'text/plain',
          'Sec-Purpose': 'prefetch',
        });
        expectIgnored(res, 'prefetch');
      });

      expect(count('ignored', 'prefetch')).toBe(1);
      expect(count('rejected', 'invalid')).toBe(0);
    });

    it.each([
      ['Sec-Purpose', 'prefetch-analysis'],
      ['Purpose', 'navigate;prefetch'],
      ['X-Purpose', 'nopreview'],
      ['X-Moz', 'microsummary'],
    ])('should store an event whose %s is %s, which is not a prefetch', async (header, value) => {
      const count = await countedBy(async () => {
        await track(makeEvent(site.id), { [header]: value }).expect(202);
      });

      expect(count('accepted', 'stored')).toBe(1);
      expect(count('ignored', 'prefetch')).toBe(0);
      expect(await countRows(dataSource, site.id)).toEqual({
        visitors: 1,
        sessions: 1,
        pageViews: 1,
      });
    });
  });

  describe('referrer spam', () => {
    it('should answer a listed referrer and its subdomains with 204 referrer_spam, storing nothing', async () => {
      const referrers = [
        `https://${spam}/`,
        `http://www.${spam}/landing?utm_source=x`,
        `https://a.b.${spam}/deep/path`,
        `HTTPS://WWW.${spam.toUpperCase()}./`,
      ];
      const count = await countedBy(async () => {
        for (const referrer of referrers) {
          const event = makeEvent(site.id, { referrer, event_id: randomUUID() });
          expectIgnored(await track(event), 'referrer_spam');
        }
        const custom = makeEvent(site.id, {
          type: 'event',
          name: 'Signup',
          referrer: `https://www.${spam}/`,
        });
        expectIgnored(await track(custom), 'referrer_spam');
      });

      expect(count('ignored', 'referrer_spam')).toBe(referrers.length + 1);
      expect(count('accepted', 'stored')).toBe(0);
      expect(await storedFor(site.id)).toEqual(NOTHING);
    });

    it('should store a referrer that merely ends with the same letters as a listed domain', async () => {
      const count = await countedBy(async () => {
        await track(makeEvent(site.id, { referrer: `https://not${spam}/page` })).expect(202);
        await track(makeEvent(site.id, { referrer: `https://${spam}.example.org/` })).expect(202);
        await track(makeEvent(site.id, { referrer: `https://example.org/?ref=${spam}` })).expect(
          202,
        );
        await track(makeEvent(site.id, { referrer: `android-app://${spam}` })).expect(202);
      });

      expect(count('accepted', 'stored')).toBe(4);
      expect(count('ignored', 'referrer_spam')).toBe(0);
      expect((await countRows(dataSource, site.id)).pageViews).toBe(4);
      const hosts: { referrer_host: string }[] = await dataSource.query(
        'SELECT referrer_host FROM page_views WHERE site_id = $1',
        [site.id],
      );
      expect(hosts.map((row) => row.referrer_host)).toEqual(
        expect.arrayContaining([`not${spam}`, `${spam}.example.org`, 'example.org']),
      );
    });

    it('should answer referrer spam for an unknown site with 204 too, before looking the site up', async () => {
      const res = await track(makeEvent(randomUUID(), { referrer: `https://${spam}/` }));
      expectIgnored(res, 'referrer_spam');
    });
  });
});
