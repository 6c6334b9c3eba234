import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { AuditService } from '../src/audit/audit.service.js';
import { PURGE_BATCH_ROWS, SitePurger } from '../src/sites/site-purger.js';
import type { SignedInUser } from './utils/auth.js';
import { signedInUser } from './utils/auth.js';
import { cleanEnv, runNode } from './utils/child-process.js';
import { waitFor } from './utils/data-source.js';
import { CHROME_UA, makeEvent, makeSite } from './utils/factories.js';
import { FakeClock } from './utils/fake-clock.js';
import { createTestApp, dataSourceOf } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SITE_CACHE_TTL_SECONDS = 30;

/** Row counts of every traffic table for one site. */
async function trafficRows(
  dataSource: DataSource,
  siteId: string,
): Promise<Record<string, number>> {
  const [row]: Record<string, number>[] = await dataSource.query(
    `SELECT (SELECT count(*)::int FROM visitors WHERE site_id = $1) AS visitors,
            (SELECT count(*)::int FROM sessions WHERE site_id = $1) AS sessions,
            (SELECT count(*)::int FROM page_views WHERE site_id = $1) AS page_views,
            (SELECT count(*)::int FROM events WHERE site_id = $1) AS events,
            (SELECT count(*)::int FROM received_events WHERE site_id = $1) AS received_events`,
    [siteId],
  );
  return row;
}

/** Traffic made with SQL: `visitors` visitors with a session each, 3 page views and 1 event per session. */
async function seedTraffic(
  dataSource: DataSource,
  siteId: string,
  visitors: number,
): Promise<void> {
  await dataSource.query(
    `INSERT INTO visitors (site_id, fingerprint_hash, first_seen_at, last_seen_at)
     SELECT $1::uuid, encode(sha256(convert_to($1::text || g, 'UTF8')), 'hex'), now(), now()
       FROM generate_series(1, $2::int) g`,
    [siteId, visitors],
  );
  await dataSource.query(
    `INSERT INTO sessions (id, site_id, visitor_id, started_at, last_activity_at, entry_path, exit_path)
     SELECT gen_random_uuid(), site_id, id, now(), now(), '/', '/' FROM visitors WHERE site_id = $1`,
    [siteId],
  );
  await dataSource.query(
    `INSERT INTO page_views (created_at, site_id, visitor_id, session_id, url, hostname, path, device_type)
     SELECT now() - g * interval '1 second', s.site_id, s.visitor_id, s.id, 'https://example.com/',
            'example.com', '/', 'desktop'
       FROM sessions s CROSS JOIN generate_series(1, 3) g WHERE s.site_id = $1`,
    [siteId],
  );
  await dataSource.query(
    `INSERT INTO events (created_at, site_id, visitor_id, session_id, name, url, hostname, path)
     SELECT now(), site_id, visitor_id, id, 'Signup', 'https://example.com/', 'example.com', '/'
       FROM sessions WHERE site_id = $1`,
    [siteId],
  );
  await dataSource.query(
    `INSERT INTO received_events (site_id, event_id, received_at)
     SELECT $1::uuid, gen_random_uuid(), now() FROM generate_series(1, $2::int * 3)`,
    [siteId, visitors],
  );
}

describe('the sites API (/api/accounts/:accountId/sites, /api/sites/:siteId)', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let dataSource: DataSource;
  const clock = new FakeClock(Date.now());
  let accountId: string;
  let admin: SignedInUser;
  let viewer: SignedInUser;
  let outsider: SignedInUser;
  let recorded: Parameters<AuditService['record']>[0][];

  const http = () => request(app.getHttpServer());
  const as = (user: SignedInUser, method: 'get' | 'post' | 'patch' | 'delete', path: string) =>
    http()[method](path).set('Cookie', user.cookie);
  const track = (body: object, origin?: string) => {
    const req = http().post('/track').set('User-Agent', CHROME_UA);
    if (origin) void req.set('Origin', origin);
    return req.send(body);
  };
  const createSite = async (body: Record<string, unknown>) =>
    (await as(admin, 'post', `/api/accounts/${accountId}/sites`).send(body).expect(201)).body as {
      id: string;
    };

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({
      databaseUrl: db.url,
      clock,
      env: {
        SITE_CACHE_TTL_SECONDS: String(SITE_CACHE_TTL_SECONDS),
        PUBLIC_URL: 'https://stats.example.net',
      },
    });
    dataSource = dataSourceOf(app);
    const home = await makeSite(dataSource, { name: 'Home account site' });
    accountId = home.accountId;
    admin = await signedInUser(app, { accountId, role: 'admin' });
    viewer = await signedInUser(app, { accountId, role: 'viewer' });
    const elsewhere = await makeSite(dataSource);
    outsider = await signedInUser(app, { accountId: elsewhere.accountId, role: 'owner' });
    const audit = app.get(AuditService);
    recorded = [];
    vi.spyOn(audit, 'record').mockImplementation((entry) => void recorded.push(entry));
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  describe('create, list, read, update', () => {
    let siteId: string;

    it('should create a site with normalized domains and a time zone, store it, audit it and answer its snippet', async () => {
      const res = await as(admin, 'post', `/api/accounts/${accountId}/sites`)
        .send({
          name: ' Shop ',
          domain: 'https://Shop.Example.com/cart',
          allowedDomains: ['Example.com', 'example.com', 'shop.example.org'],
          timezone: 'Europe/Berlin',
        })
        .expect(201);
      siteId = res.body.id;
      expect(siteId).toMatch(UUID);
      expect(res.body).toEqual({
        id: siteId,
        accountId,
        name: 'Shop',
        domain: 'shop.example.com',
        allowedDomains: ['example.com', 'shop.example.org'],
        timezone: 'Europe/Berlin',
        retentionMonths: null,
        isActive: true,
        createdAt: expect.any(String),
        snippet: {
          html: `<script async src="https://stats.example.net/tracker.min.js" data-site-id="${siteId}"></script>`,
          scriptUrl: 'https://stats.example.net/tracker.min.js',
          testPageUrl: `https://stats.example.net/test.html?site=${siteId}`,
        },
      });
      const rows = await dataSource.query(
        `SELECT account_id, name, domain, allowed_domains, timezone, is_active, deleted_at,
                octet_length(fingerprint_salt) AS salt_bytes
           FROM sites WHERE id = $1`,
        [siteId],
      );
      expect(rows).toEqual([
        {
          account_id: accountId,
          name: 'Shop',
          domain: 'shop.example.com',
          allowed_domains: ['example.com', 'shop.example.org'],
          timezone: 'Europe/Berlin',
          is_active: true,
          deleted_at: null,
          salt_bytes: 32,
        },
      ]);
      expect(recorded).toContainEqual(
        expect.objectContaining({
          action: 'site.created',
          accountId,
          siteId,
          actor: expect.objectContaining({ type: 'user', userId: admin.userId }),
        }),
      );
    });

    it('should default the time zone to UTC and the allowed domains to none', async () => {
      const { id } = await createSite({ name: 'Plain', domain: 'plain.example' });
      const [row] = await dataSource.query(
        'SELECT timezone, allowed_domains FROM sites WHERE id = $1',
        [id],
      );
      expect(row).toEqual({ timezone: 'UTC', allowed_domains: [] });
    });

    it("should list the account's sites, oldest first, to a viewer", async () => {
      const res = await as(viewer, 'get', `/api/accounts/${accountId}/sites`).expect(200);
      const names = (res.body as { name: string }[]).map((site) => site.name);
      expect(names).toEqual(['Home account site', 'Shop', 'Plain']);
      expect(res.body[1]).toEqual({
        id: siteId,
        accountId,
        name: 'Shop',
        domain: 'shop.example.com',
        allowedDomains: ['example.com', 'shop.example.org'],
        timezone: 'Europe/Berlin',
        retentionMonths: null,
        isActive: true,
        createdAt: expect.any(String),
      });
    });

    it('should read one site and its snippet', async () => {
      const site = await as(viewer, 'get', `/api/sites/${siteId}`).expect(200);
      expect(site.body).toMatchObject({ id: siteId, name: 'Shop', timezone: 'Europe/Berlin' });
      expect(site.body).not.toHaveProperty('fingerprintSalt');
      const snippet = await as(viewer, 'get', `/api/sites/${siteId}/snippet`).expect(200);
      expect(snippet.body).toEqual({
        html: `<script async src="https://stats.example.net/tracker.min.js" data-site-id="${siteId}"></script>`,
        scriptUrl: 'https://stats.example.net/tracker.min.js',
        testPageUrl: `https://stats.example.net/test.html?site=${siteId}`,
      });
    });

    it('should change only the fields sent, store them and audit the names of those that changed', async () => {
      recorded.length = 0;
      const res = await as(admin, 'patch', `/api/sites/${siteId}`)
        .send({ name: 'Shop (new)', timezone: 'America/New_York', domain: 'shop.example.com' })
        .expect(200);
      expect(res.body).toMatchObject({
        id: siteId,
        name: 'Shop (new)',
        domain: 'shop.example.com',
        timezone: 'America/New_York',
        allowedDomains: ['example.com', 'shop.example.org'],
      });
      const [row] = await dataSource.query(
        'SELECT name, domain, timezone, allowed_domains, is_active FROM sites WHERE id = $1',
        [siteId],
      );
      expect(row).toEqual({
        name: 'Shop (new)',
        domain: 'shop.example.com',
        timezone: 'America/New_York',
        allowed_domains: ['example.com', 'shop.example.org'],
        is_active: true,
      });
      expect(recorded).toEqual([
        expect.objectContaining({
          action: 'site.updated',
          siteId,
          accountId,
          details: { fields: ['name', 'timezone'] },
        }),
      ]);
    });

    it.each([
      [
        'an unknown time zone',
        { timezone: 'Mars/Olympus_Mons' },
        'timezone must be an IANA time zone',
      ],
      ['a time zone in the wrong case', { timezone: 'europe/berlin' }, 'timezone'],
      ['a domain that is not one', { domain: 'not a domain' }, 'domain must be a domain name'],
      [
        'a bad allowed domain',
        { allowedDomains: ['ok.example', '*.example.com'] },
        'allowedDomains',
      ],
      [
        '101 allowed domains',
        { allowedDomains: Array.from({ length: 101 }, (_, i) => `d${i}.example`) },
        'allowedDomains must contain no more than 100',
      ],
      ['an empty name', { name: '  ' }, 'name is required'],
      [
        'a name over 200 characters',
        { name: 'x'.repeat(201) },
        'name must be shorter than or equal to 200',
      ],
      ['a null domain', { domain: null }, 'domain'],
      ['a non-boolean isActive', { isActive: 'yes' }, 'isActive must be a boolean'],
      ['an unknown field', { color: 'red' }, 'property color should not exist'],
    ])(
      'should refuse %s with 400 naming the field, changing nothing',
      async (_what, body, message) => {
        const before = await dataSource.query('SELECT * FROM sites WHERE id = $1', [siteId]);
        const res = await as(admin, 'patch', `/api/sites/${siteId}`).send(body).expect(400);
        expect(JSON.stringify(res.body.message)).toContain(message);
        expect(await dataSource.query('SELECT * FROM sites WHERE id = $1', [siteId])).toEqual(
          before,
        );
      },
    );

    it('should refuse a bad create body with 400 naming each field, creating nothing', async () => {
      const count = async () =>
        (await dataSource.query('SELECT count(*)::int AS n FROM sites'))[0].n as number;
      const before = await count();
      const res = await as(admin, 'post', `/api/accounts/${accountId}/sites`)
        .send({ name: 'X', domain: 'exa_mple.com', timezone: 'Nowhere', extra: 1 })
        .expect(400);
      const message = JSON.stringify(res.body.message);
      expect(message).toContain('domain must be a domain name');
      expect(message).toContain('timezone must be an IANA time zone');
      expect(message).toContain('property extra should not exist');
      await as(admin, 'post', `/api/accounts/${accountId}/sites`).send({ name: 'X' }).expect(400);
      expect(await count()).toBe(before);
    });

    it('should refuse a viewer creating, changing or deleting a site with 403', async () => {
      await as(viewer, 'post', `/api/accounts/${accountId}/sites`)
        .send({ name: 'V', domain: 'v.example' })
        .expect(403);
      await as(viewer, 'patch', `/api/sites/${siteId}`).send({ name: 'V' }).expect(403);
      await as(viewer, 'delete', `/api/sites/${siteId}`).expect(403);
      const [row] = await dataSource.query('SELECT name, deleted_at FROM sites WHERE id = $1', [
        siteId,
      ]);
      expect(row).toEqual({ name: 'Shop (new)', deleted_at: null });
    });

    it('should answer 404 on every route to a member of another account, with a real site id', async () => {
      const calls: [string, 'get' | 'post' | 'patch' | 'delete', string, object?][] = [
        ['list', 'get', `/api/accounts/${accountId}/sites`],
        ['create', 'post', `/api/accounts/${accountId}/sites`, { name: 'X', domain: 'x.example' }],
        ['read', 'get', `/api/sites/${siteId}`],
        ['update', 'patch', `/api/sites/${siteId}`, { name: 'Stolen' }],
        ['delete', 'delete', `/api/sites/${siteId}`],
        ['snippet', 'get', `/api/sites/${siteId}/snippet`],
        ['installation', 'get', `/api/sites/${siteId}/installation`],
      ];
      for (const [what, method, path, body] of calls) {
        const req = as(outsider, method, path);
        const res = await (body ? req.send(body) : req);
        expect({ what, status: res.status }).toEqual({ what, status: 404 });
      }
      const [row] = await dataSource.query('SELECT name, deleted_at FROM sites WHERE id = $1', [
        siteId,
      ]);
      expect(row).toEqual({ name: 'Shop (new)', deleted_at: null });
    });
  });

  describe('changes reach /track at once', () => {
    it('should refuse an origin that a change of allowedDomains disallowed, and every event once inactive', async () => {
      const { id } = await createSite({ name: 'Tracked', domain: 'tracked.example' });
      // The first event puts the site in this replica's tracking cache.
      await track(makeEvent(id), 'https://anywhere.example').expect(202);

      await as(admin, 'patch', `/api/sites/${id}`)
        .send({ allowedDomains: ['tracked.example'] })
        .expect(200);
      await track(makeEvent(id), 'https://anywhere.example').expect(403);
      await track(makeEvent(id), 'https://www.tracked.example').expect(202);

      await as(admin, 'patch', `/api/sites/${id}`).send({ isActive: false }).expect(200);
      await track(makeEvent(id), 'https://www.tracked.example').expect(404);
      await as(admin, 'patch', `/api/sites/${id}`).send({ isActive: true }).expect(200);
      await track(makeEvent(id), 'https://www.tracked.example').expect(202);

      const [{ n }] = await dataSource.query(
        'SELECT count(*)::int AS n FROM page_views WHERE site_id = $1',
        [id],
      );
      expect(n).toBe(3);
    });
  });

  describe('installation check', () => {
    it('should answer false and nulls before any event, then true with the times, never cached, and audit the read', async () => {
      const { id } = await createSite({ name: 'New', domain: 'new.example' });
      const before = await as(viewer, 'get', `/api/sites/${id}/installation`).expect(200);
      expect(before.headers['cache-control']).toBe('no-store');
      expect(before.body).toEqual({ installed: false, firstEventAt: null, lastEventAt: null });

      const first = clock.now().toISOString();
      await track(makeEvent(id)).expect(202);
      clock.advance(5000);
      const last = clock.now().toISOString();
      await track(makeEvent(id, { type: 'event', name: 'Signup' })).expect(202);

      recorded.length = 0;
      const after = await as(viewer, 'get', `/api/sites/${id}/installation`).expect(200);
      expect(after.body).toEqual({ installed: true, firstEventAt: first, lastEventAt: last });
      expect(recorded).toEqual([
        expect.objectContaining({
          action: 'site.data_read',
          siteId: id,
          details: { what: 'installation' },
        }),
      ]);
    });

    it("should read only the ends of the site's indexes, whatever the number of page views", async () => {
      const { id } = await createSite({ name: 'Big', domain: 'big.example' });
      await seedTraffic(dataSource, id, 2000);
      await dataSource.query('ANALYZE page_views; ANALYZE events');
      const plan: { 'QUERY PLAN': string }[] = await dataSource.query(
        `EXPLAIN SELECT least((SELECT min(created_at) FROM page_views WHERE site_id = '${id}'),
                              (SELECT min(created_at) FROM events WHERE site_id = '${id}')),
                        greatest((SELECT max(created_at) FROM page_views WHERE site_id = '${id}'),
                                 (SELECT max(created_at) FROM events WHERE site_id = '${id}'))`,
      );
      const text = plan.map((line) => line['QUERY PLAN']).join('\n');
      expect(text).toContain('IDX_page_views_site_id_created_at');
      expect(text).toContain('IDX_events_site_id_created_at');
      expect(text).not.toMatch(/Seq Scan|Sort/);
      const res = await as(admin, 'get', `/api/sites/${id}/installation`).expect(200);
      expect(res.body.installed).toBe(true);
    });
  });

  describe('delete', () => {
    it('should make the site disappear at once, purge its traffic in batches while other sites keep storing events, then remove the site row', async () => {
      const doomed = await createSite({ name: 'Doomed', domain: 'doomed.example' });
      const kept = await createSite({ name: 'Kept', domain: 'kept.example' });
      await track(makeEvent(doomed.id)).expect(202);
      await seedTraffic(dataSource, doomed.id, 5000);
      await seedTraffic(dataSource, kept.id, 200);
      const doomedBefore = await trafficRows(dataSource, doomed.id);
      expect(doomedBefore.page_views).toBeGreaterThan(3 * PURGE_BATCH_ROWS);
      const keptBefore = await trafficRows(dataSource, kept.id);

      recorded.length = 0;
      await as(admin, 'delete', `/api/sites/${doomed.id}`).expect(202);
      const deletedAt = Date.now();

      // Other sites' events are stored while the purge runs, without waiting on it.
      const latencies: number[] = [];
      let purged = false;
      while (!purged) {
        const started = performance.now();
        await track(makeEvent(kept.id)).expect(202);
        latencies.push(performance.now() - started);
        const rows = await trafficRows(dataSource, doomed.id);
        purged = Object.values(rows).every((n) => n === 0);
        if (Date.now() - deletedAt > 30_000) throw new Error('The purge took over 30 s.');
      }
      // More than one: the purge was still running after the first event was stored.
      expect(latencies.length).toBeGreaterThan(1);
      expect(Math.max(...latencies)).toBeLessThan(2000);

      // At once: gone from the API and /track.
      await as(admin, 'get', `/api/sites/${doomed.id}`).expect(404);
      await as(admin, 'patch', `/api/sites/${doomed.id}`).send({ name: 'Back' }).expect(404);
      await as(admin, 'delete', `/api/sites/${doomed.id}`).expect(404);
      await as(admin, 'get', `/api/sites/${doomed.id}/installation`).expect(404);
      await as(admin, 'get', `/api/sites/${doomed.id}/snippet`).expect(404);
      const list = await as(admin, 'get', `/api/accounts/${accountId}/sites`).expect(200);
      expect((list.body as { id: string }[]).map((site) => site.id)).not.toContain(doomed.id);
      await track(makeEvent(doomed.id)).expect(404);

      // The other site lost nothing and gained the events sent meanwhile.
      const keptAfter = await trafficRows(dataSource, kept.id);
      expect(keptAfter.page_views).toBe(keptBefore.page_views + latencies.length);
      expect(keptAfter.events).toBe(keptBefore.events);
      expect(keptAfter.received_events).toBe(keptBefore.received_events);
      expect(keptAfter.visitors).toBe(keptBefore.visitors + latencies.length);

      expect(recorded).toContainEqual(
        expect.objectContaining({ action: 'site.deleted', siteId: doomed.id, accountId }),
      );

      // The row stays, marked, while other replicas may still hold the site in their cache...
      const [marked] = await dataSource.query('SELECT deleted_at FROM sites WHERE id = $1', [
        doomed.id,
      ]);
      expect(marked.deleted_at).toBeInstanceOf(Date);
      // ...and goes once SITE_CACHE_TTL_SECONDS (and a margin) have passed.
      clock.advance((SITE_CACHE_TTL_SECONDS + 6) * 1000);
      await waitFor('the site row to be deleted', async () => {
        const rows = await dataSource.query('SELECT 1 FROM sites WHERE id = $1', [doomed.id]);
        return rows.length === 0;
      });
      await track(makeEvent(doomed.id)).expect(404);
      await as(admin, 'get', `/api/sites/${doomed.id}`).expect(404);
    }, 60_000);

    it('should resume a deletion a restart interrupted, at the next start', async () => {
      const site = await makeSite(dataSource, { accountId, name: 'Interrupted' });
      await seedTraffic(dataSource, site.id, 300);
      // As a replica that stopped right after the delete leaves it: marked, traffic still there.
      await dataSource.query(`UPDATE sites SET deleted_at = $2 WHERE id = $1`, [
        site.id,
        new Date(clock.now().getTime() - 3_600_000),
      ]);
      await app.close();
      app = await createTestApp({
        databaseUrl: db.url,
        clock,
        env: { SITE_CACHE_TTL_SECONDS: String(SITE_CACHE_TTL_SECONDS) },
      });
      dataSource = dataSourceOf(app);
      await waitFor('the interrupted deletion to finish', async () => {
        const rows = await dataSource.query('SELECT 1 FROM sites WHERE id = $1', [site.id]);
        return rows.length === 0;
      });
      expect(await trafficRows(dataSource, site.id)).toEqual({
        visitors: 0,
        sessions: 0,
        page_views: 0,
        events: 0,
        received_events: 0,
      });
      await app.get(SitePurger).idle();
    });
  });

  describe('the OpenAPI document', () => {
    it('should describe every sites route under the sites tag, with its body, answer and errors', async () => {
      const res = await http().get('/api/docs-json').expect(200);
      const paths = res.body.paths as Record<string, Record<string, Record<string, unknown>>>;
      const ref = (operation: Record<string, unknown>, status: string) =>
        JSON.stringify((operation.responses as Record<string, unknown>)[status]);
      const list = paths['/api/accounts/{accountId}/sites'];
      expect(list.get.tags).toEqual(['sites']);
      expect(ref(list.get, '200')).toContain('#/components/schemas/SiteDto');
      expect(JSON.stringify(list.post.requestBody)).toContain('CreateSiteDto');
      expect(ref(list.post, '201')).toContain('CreatedSiteDto');
      expect(ref(list.post, '400')).toContain('ErrorBodyDto');
      const site = paths['/api/sites/{siteId}'];
      expect(ref(site.get, '200')).toContain('SiteDto');
      expect(JSON.stringify(site.patch.requestBody)).toContain('UpdateSiteDto');
      expect(ref(site.patch, '404')).toContain('ErrorBodyDto');
      expect(site.delete.responses).toHaveProperty('202');
      expect(ref(paths['/api/sites/{siteId}/snippet'].get, '200')).toContain('SnippetDto');
      expect(ref(paths['/api/sites/{siteId}/installation'].get, '200')).toContain(
        'InstallationDto',
      );
      const schemas = res.body.components.schemas as Record<string, { properties: object }>;
      expect(Object.keys(schemas.UpdateSiteDto.properties).sort()).toEqual(
        ['allowedDomains', 'domain', 'isActive', 'name', 'retentionMonths', 'timezone'].sort(),
      );
    });
  });

  describe('the command line', () => {
    it('should create a site (through the same SitesService) that the API then lists', async () => {
      const [{ name: accountName }] = await dataSource.query(
        'SELECT name FROM accounts WHERE id = $1',
        [accountId],
      );
      const result = await runNode(
        'dist/src/cli.js',
        [
          'sites',
          'create',
          '--name',
          'From the CLI',
          '--domain',
          'CLI.example.com',
          '--account',
          accountName,
          '--timezone',
          'Asia/Tokyo',
        ],
        cleanEnv({ DATABASE_URL: db.url }),
      );
      expect(result.code, result.stderr).toBe(0);
      const id = /^Site id: (\S+)$/m.exec(result.stdout)?.[1];
      const admin2 = await signedInUser(app, { accountId, role: 'admin' });
      const list = await as(admin2, 'get', `/api/accounts/${accountId}/sites`).expect(200);
      expect(list.body).toContainEqual(
        expect.objectContaining({
          id,
          name: 'From the CLI',
          domain: 'cli.example.com',
          timezone: 'Asia/Tokyo',
          isActive: true,
        }),
      );
    });
  });
});
