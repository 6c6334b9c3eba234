import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import type { Site } from '../src/sites/entities/site.entity.js';
import { CHROME_UA, countRows, makeEvent, makeSite } from './utils/factories.js';
import { FakeClock } from './utils/fake-clock.js';
import { createTestApp, dataSourceOf } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

interface StoredView {
  created_at: Date;
  url: string;
  hostname: string;
  path: string;
  title: string | null;
  referrer: string | null;
  referrer_host: string | null;
  browser: string | null;
  os: string | null;
  device_type: string | null;
  ip_address: string | null;
}

/** What `/track` does with input that is unknown, blank, private or ambiguous. */
describe('POST /track input', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let dataSource: DataSource;
  let clock: FakeClock;
  let site: Site;

  const post = () =>
    request(app.getHttpServer())
      .post('/track')
      .set('User-Agent', CHROME_UA)
      .set('X-Forwarded-For', '198.51.100.23');
  const track = (body: object) => post().send(body);
  /** A body sent as the exact JSON text given, for keys a JavaScript object literal cannot carry. */
  const trackRaw = (json: string) => post().set('Content-Type', 'text/plain').send(json);

  const views = async (): Promise<StoredView[]> =>
    dataSource.query(
      `SELECT created_at, url, hostname, path, title, referrer, referrer_host, browser, os,
              device_type, host(ip_address) AS ip_address
         FROM page_views WHERE site_id = $1 ORDER BY created_at, url`,
      [site.id],
    );

  /** Every column of every row the site has in the traffic tables, as text. */
  const everythingStored = async (): Promise<string> => {
    const rows: unknown[] = await dataSource.query(
      `SELECT row_to_json(t)::text AS row FROM page_views t WHERE site_id = $1
       UNION ALL SELECT row_to_json(t)::text FROM events t WHERE site_id = $1
       UNION ALL SELECT row_to_json(t)::text FROM sessions t WHERE site_id = $1
       UNION ALL SELECT row_to_json(t)::text FROM visitors t WHERE site_id = $1`,
      [site.id],
    );
    return JSON.stringify(rows);
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    clock = new FakeClock();
    app = await createTestApp({ databaseUrl: db.url, clock, env: { TRUST_PROXY: '1' } });
    dataSource = dataSourceOf(app);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  beforeEach(async () => {
    site = await makeSite(dataSource);
  });

  describe('fields /track does not know', () => {
    it('should store an event from a newer tracker, dropping the fields it does not know', async () => {
      await track(
        makeEvent(site.id, {
          url: 'https://example.com/newer',
          consent: 'granted',
          scroll_depth: 75,
          engagement: { seconds: 12, visible: true },
          tags: ['a', 'b'],
        }),
      ).expect(202);

      const [view] = await views();
      expect(view).toMatchObject({ url: 'https://example.com/newer', path: '/newer' });
      const stored = await everythingStored();
      for (const unknown of ['consent', 'granted', 'scroll_depth', 'engagement']) {
        expect(stored).not.toContain(unknown);
      }
    });

    it('should store a custom event from a newer tracker with fields it does not know', async () => {
      await track(
        makeEvent(site.id, {
          type: 'event',
          name: 'Signup',
          props: { plan: 'pro' },
          revenue: { amount: 10, currency: 'EUR' },
        }),
      ).expect(202);
      const events: { name: string; props: unknown }[] = await dataSource.query(
        'SELECT name, props FROM events WHERE site_id = $1',
        [site.id],
      );
      expect(events).toEqual([{ name: 'Signup', props: { plan: 'pro' } }]);
    });

    it('should ignore every field a client must never set, whatever its name, and store what the server found', async () => {
      await track(
        makeEvent(site.id, {
          url: 'https://example.com/real?utm_source=real',
          ip: '1.2.3.4',
          ip_address: '1.2.3.4',
          client_ip: '1.2.3.4',
          user_agent: 'EvilBot/1.0',
          userAgent: 'EvilBot/1.0',
          browser: 'Evil Browser',
          os: 'Evil OS',
          device_type: 'toaster',
          created_at: '2000-01-01T00:00:00Z',
          timestamp: 946_684_800_000,
          id: '00000000-0000-4000-8000-000000000001',
          visitor_id: '00000000-0000-4000-8000-000000000002',
          session_id: '00000000-0000-4000-8000-000000000003',
          fingerprint_hash: '0'.repeat(64),
          hostname: 'evil.example',
          path: '/evil',
          utm_source: 'evil',
          country: 'XX',
        }),
      ).expect(202);

      const [view] = await views();
      expect(view).toMatchObject({
        created_at: clock.now(),
        url: 'https://example.com/real?utm_source=real',
        hostname: 'example.com',
        path: '/real',
        browser: 'Chrome',
        os: 'Windows',
        device_type: 'desktop',
        ip_address: '198.51.100.0',
      });
      const stored = await everythingStored();
      for (const forged of [
        '1.2.3.4',
        'Evil',
        'toaster',
        '2000-01-01',
        '00000000-0000-4000-8000-00000000000',
        '0'.repeat(64),
        'evil.example',
        '"XX"',
      ]) {
        expect(stored).not.toContain(forged);
      }
      const [utm] = await dataSource.query('SELECT utm_source FROM page_views WHERE site_id = $1', [
        site.id,
      ]);
      expect(utm.utm_source).toBe('real');
    });

    it('should neither follow nor store a __proto__ key, nor pollute any prototype', async () => {
      const event = makeEvent(site.id, { url: 'https://example.com/proto' });
      const json = JSON.stringify(event).replace(
        /^\{/,
        '{"__proto__":{"type":"event","name":"Injected","props":{"x":1},"polluted":true},',
      );
      await trackRaw(json).expect(202);

      expect(await countRows(dataSource, site.id)).toMatchObject({ pageViews: 1 });
      const [events] = await dataSource.query(
        'SELECT count(*)::int AS n FROM events WHERE site_id = $1',
        [site.id],
      );
      expect(events.n).toBe(0);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(await everythingStored()).not.toContain('Injected');
    });

    it('should neither follow nor store constructor and prototype keys', async () => {
      const event = makeEvent(site.id, { url: 'https://example.com/ctor' });
      const json = JSON.stringify(event).replace(
        /^\{/,
        '{"constructor":{"prototype":{"polluted":true}},"prototype":{"polluted":true},',
      );
      await trackRaw(json).expect(202);

      const [view] = await views();
      expect(view.url).toBe('https://example.com/ctor');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
    });
  });

  describe('required fields that are present but blank', () => {
    it.each([
      ['site_id', { site_id: '   ' }],
      ['url', { url: ' \t ' }],
      ['fingerprint', { fingerprint: '   ' }],
      ['fingerprint', { fingerprint: '' }],
      ['url', { url: null }],
    ])('should answer 400 naming %s when it is %j, storing nothing', async (field, blank) => {
      const res = await track({ ...makeEvent(site.id), ...blank }).expect(400);
      expect(res.body.message).toEqual([`${field} is required and must not be empty or blank`]);
      expect(await countRows(dataSource, site.id)).toEqual({
        visitors: 0,
        sessions: 0,
        pageViews: 0,
      });
    });

    it('should answer 400 naming name when a custom event has a blank name, storing nothing', async () => {
      const res = await track(makeEvent(site.id, { type: 'event', name: '  \n ' })).expect(400);
      expect(res.body.message).toEqual([
        'name is required for custom events (type "event") and must not be empty or blank',
      ]);
      const [events] = await dataSource.query(
        'SELECT count(*)::int AS n FROM events WHERE site_id = $1',
        [site.id],
      );
      expect(events.n).toBe(0);
    });

    it('should name every bad field, blank or invalid, each by its name', async () => {
      const res = await track({
        site_id: ' ',
        url: 'ftp://example.com/',
        fingerprint: '\t',
        screen_width: 'wide',
        load_time_ms: -5,
        title: 7,
      }).expect(400);
      const messages = res.body.message as string[];
      for (const field of [
        'site_id',
        'url',
        'fingerprint',
        'screen_width',
        'load_time_ms',
        'title',
      ]) {
        expect(messages.some((message) => message.startsWith(`${field} `))).toBe(true);
      }
      expect(messages).toContain('site_id is required and must not be empty or blank');
      expect(messages).toContain('fingerprint is required and must not be empty or blank');
      expect(messages).toContain(
        'url must be an absolute http:// or https:// URL of at most 2048 characters once percent-encoded',
      );
    });

    it('should store a blank title and referrer as absent and trim a custom event name', async () => {
      await track(
        makeEvent(site.id, { url: 'https://example.com/a', title: '   ', referrer: ' \t' }),
      ).expect(202);
      await track(makeEvent(site.id, { type: 'event', name: '  Signup  ' })).expect(202);

      const [view] = await views();
      expect(view.title).toBeNull();
      expect(view.referrer).toBeNull();
      expect(view.referrer_host).toBeNull();
      const [event] = await dataSource.query('SELECT name FROM events WHERE site_id = $1', [
        site.id,
      ]);
      expect(event.name).toBe('Signup');
    });
  });

  describe('what is kept of a URL', () => {
    it('should store no user name or password of the page URL or the referrer, in any column', async () => {
      await track(
        makeEvent(site.id, {
          url: 'https://alice:s3cret-page@example.com/account?utm_source=mail',
          referrer: 'https://bob:hunter2-ref@mail.example.org/inbox',
        }),
      ).expect(202);
      await track(
        makeEvent(site.id, {
          type: 'event',
          name: 'Download',
          url: 'https://carol:t0ps3cret@example.com/files',
        }),
      ).expect(202);

      const stored = await everythingStored();
      for (const secret of ['alice', 's3cret-page', 'bob', 'hunter2-ref', 'carol', 't0ps3cret']) {
        expect(stored).not.toContain(secret);
      }
      const [view] = await views();
      expect(view).toMatchObject({
        url: 'https://example.com/account?utm_source=mail',
        referrer: 'https://mail.example.org/inbox',
        referrer_host: 'mail.example.org',
      });
      const [event] = await dataSource.query('SELECT url FROM events WHERE site_id = $1', [
        site.id,
      ]);
      expect(event.url).toBe('https://example.com/files');
    });

    it('should store the referrer without its query string and fragment, keeping its host', async () => {
      await track(
        makeEvent(site.id, {
          referrer:
            'https://www.google.com/search?q=alice%40example.org+divorce+lawyer&sca=x#:~:text=private',
        }),
      ).expect(202);
      const [view] = await views();
      expect(view.referrer).toBe('https://www.google.com/search');
      expect(view.referrer_host).toBe('www.google.com');
      const stored = await everythingStored();
      for (const secret of ['alice', 'divorce', 'private', 'sca=']) {
        expect(stored).not.toContain(secret);
      }
      const [session] = await dataSource.query(
        'SELECT referrer_host FROM sessions WHERE site_id = $1',
        [site.id],
      );
      expect(session.referrer_host).toBe('www.google.com');
    });

    it.each([
      ['android-app://com.google.android.gm/?account=x', 'android-app://com.google.android.gm/'],
      ['ftp://files.example.org/pub/list?x=1', 'ftp://files.example.org/pub/list'],
      ['mailto:someone@example.org', null],
      ['javascript:alert(document.cookie)', null],
      ['about:blank', null],
      ['not a url at all', null],
    ])(
      'should give the non-web referrer %s no referrer host and store it as %s',
      async (referrer, kept) => {
        await track(makeEvent(site.id, { referrer })).expect(202);
        const [view] = await views();
        expect(view.referrer).toBe(kept);
        expect(view.referrer_host).toBeNull();
        const [session] = await dataSource.query(
          'SELECT referrer_host FROM sessions WHERE site_id = $1',
          [site.id],
        );
        expect(session.referrer_host).toBeNull();
      },
    );

    it('should refuse a page URL over 2048 characters once percent-encoded, naming url', async () => {
      const res = await track(
        makeEvent(site.id, { url: `https://example.com/${'é'.repeat(1000)}` }),
      ).expect(400);
      expect(res.body.message).toEqual([
        'url must be an absolute http:// or https:// URL of at most 2048 characters once percent-encoded',
      ]);
      expect((await countRows(dataSource, site.id)).pageViews).toBe(0);
    });

    it('should cut a referrer over 2048 characters once percent-encoded, not refuse the view', async () => {
      await track(
        makeEvent(site.id, { referrer: `https://ref.example/${'é'.repeat(1000)}?q=1` }),
      ).expect(202);
      const [view] = await views();
      expect(view.referrer_host).toBe('ref.example');
      expect(view.referrer!.length).toBeLessThanOrEqual(2048);
      expect(view.referrer).toMatch(/^https:\/\/ref\.example\/(%C3%A9)+$/);
    });

    it('should keep encoded control bytes and reserved characters encoded in the stored path', async () => {
      await track(makeEvent(site.id, { url: 'https://example.com/a%00b' })).expect(202);
      clock.advance(1000);
      await track(makeEvent(site.id, { url: 'https://example.com/ab' })).expect(202);
      clock.advance(1000);
      await track(
        makeEvent(site.id, { url: 'https://example.com/caf%C3%A9/%0A/%2F/%FF/50%25' }),
      ).expect(202);

      const paths = (await views()).map((view) => view.path);
      expect(paths).toEqual(['/a%00b', '/ab', '/café/%0A/%2F/%FF/50%25']);
      expect(new Set(paths).size).toBe(3);
    });

    it('should store hosts lower-case without a default port, and keep the case of paths', async () => {
      const urls = [
        'HTTPS://WWW.Example.COM:443/Blog/My-Post',
        'http://Example.com:80/About',
        'https://example.com:8443/Admin',
      ];
      for (const url of urls) {
        await track(
          makeEvent(site.id, { url, referrer: 'https://News.Example.ORG:443/Top' }),
        ).expect(202);
        clock.advance(1000);
      }

      const stored = await views();
      expect(stored.map(({ url, hostname, path }) => ({ url, hostname, path }))).toEqual([
        {
          url: 'https://www.example.com/Blog/My-Post',
          hostname: 'www.example.com',
          path: '/Blog/My-Post',
        },
        { url: 'http://example.com/About', hostname: 'example.com', path: '/About' },
        { url: 'https://example.com:8443/Admin', hostname: 'example.com', path: '/Admin' },
      ]);
      for (const view of stored) {
        expect(view.referrer).toBe('https://news.example.org/Top');
        expect(view.referrer_host).toBe('news.example.org');
      }
    });
  });
});
