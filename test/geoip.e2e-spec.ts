import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { configModule } from '../src/config/config.js';
import { GeoIpModule } from '../src/geoip/geoip.module.js';
import type { Site } from '../src/sites/entities/site.entity.js';
import { CHROME_UA, makeEvent, makeSite } from './utils/factories.js';
import { FakeClock } from './utils/fake-clock.js';
import { createTestApp, dataSourceOf } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

/**
 * The visitor's country, end to end: looked up from the full client address (one trusted proxy
 * hop, so `X-Forwarded-For` sets it), stored on the session, while the page view keeps only the
 * anonymized address. The countries were checked in the bundled data.
 */
describe('country at ingest', () => {
  let db: TestDatabase;
  const apps: NestExpressApplication[] = [];
  const clock = new FakeClock();

  const start = async (env: Record<string, string>): Promise<NestExpressApplication> => {
    const app = await createTestApp({
      databaseUrl: db.url,
      clock,
      env: { TRUST_PROXY: '1', ...env },
    });
    apps.push(app);
    return app;
  };

  const trackFrom = (
    app: NestExpressApplication,
    site: Site,
    address: string,
    event: Record<string, unknown> = makeEvent(site.id),
  ) =>
    request(app.getHttpServer())
      .post('/track')
      .set('User-Agent', CHROME_UA)
      .set('X-Forwarded-For', address)
      .send(event)
      .expect(202);

  /** The site's sessions' countries and its page views' stored addresses. */
  const stored = async (dataSource: DataSource, site: Site) => {
    const rows: { country: string | null; ip: string | null }[] = await dataSource.query(
      `SELECT s.country, host(v.ip_address) AS ip
         FROM page_views v JOIN sessions s ON s.id = v.session_id
        WHERE v.site_id = $1 ORDER BY v.created_at`,
      [site.id],
    );
    return rows;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await db?.drop();
  });

  describe('with the bundled database', () => {
    let app: NestExpressApplication;
    let dataSource: DataSource;

    beforeAll(async () => {
      app = await start({ GEOIP_DATABASE: '' });
      dataSource = dataSourceOf(app);
    });

    it.each([
      ['an IPv4 address in the Netherlands', '193.0.6.139', 'NL', '193.0.6.0'],
      ['an IPv6 address in Brazil', '2001:12ff:0:4::22', 'BR', '2001:12ff::'],
      ['an IPv4-mapped IPv6 address in the Netherlands', '::ffff:193.0.6.139', 'NL', '193.0.6.0'],
      // Its /24 begins in the US (3.2.33.0 is US in the data): the full address decides.
      ['an address in France in a mixed /24', '3.2.33.77', 'FR', '3.2.33.0'],
      ['a private address', '10.1.2.3', null, '10.1.2.0'],
      ['a private address the data wrongly places in AU', '192.168.1.20', null, '192.168.1.0'],
      ['a documentation address', '2001:db8::7', null, '2001:db8::'],
    ])(
      'should store the country of %s (%s) on its session, and only the anonymized address',
      async (_, address, country, anonymized) => {
        const site = await makeSite(dataSource);
        await trackFrom(app, site, address);
        expect(await stored(dataSource, site)).toEqual([{ country, ip: anonymized }]);
      },
    );

    it('should keep the country the session started with when its visitor moves', async () => {
      const site = await makeSite(dataSource);
      const event = makeEvent(site.id);
      await trackFrom(app, site, '193.0.6.139', event);
      clock.advance(60_000);
      await trackFrom(app, site, '200.160.2.3', { ...event, url: 'https://example.com/docs' });
      expect(await stored(dataSource, site)).toEqual([
        { country: 'NL', ip: '193.0.6.0' },
        { country: 'NL', ip: '200.160.2.0' },
      ]);
    });

    it('should store the country of a session a custom event starts', async () => {
      const site = await makeSite(dataSource);
      await trackFrom(
        app,
        site,
        '200.160.2.3',
        makeEvent(site.id, { type: 'event', name: 'signup' }),
      );
      const sessions = await dataSource.query(`SELECT country FROM sessions WHERE site_id = $1`, [
        site.id,
      ]);
      expect(sessions).toEqual([{ country: 'BR' }]);
    });

    it('should store the full address nowhere', async () => {
      const site = await makeSite(dataSource);
      await trackFrom(app, site, '193.0.6.139');
      const [row]: { everything: string }[] = await dataSource.query(
        `SELECT concat((SELECT json_agg(v) FROM page_views v WHERE site_id = $1),
                       (SELECT json_agg(s) FROM sessions s WHERE site_id = $1),
                       (SELECT json_agg(u) FROM visitors u WHERE site_id = $1)) AS everything`,
        [site.id],
      );
      expect(row.everything).toContain('193.0.6.0');
      expect(row.everything).toContain('"country":"NL"');
      expect(row.everything).not.toContain('193.0.6.139');
    });
  });

  describe('with GEOIP_DATABASE=off', () => {
    it('should store no country', async () => {
      const app = await start({ GEOIP_DATABASE: 'off' });
      const site = await makeSite(dataSourceOf(app));
      await trackFrom(app, site, '193.0.6.139');
      expect(await stored(dataSourceOf(app), site)).toEqual([{ country: null, ip: '193.0.6.0' }]);
    });
  });

  describe('with a GEOIP_DATABASE that cannot be read', () => {
    it('should stop the start with a message naming the variable', async () => {
      process.env.GEOIP_DATABASE = '/nonexistent/GeoLite2-Country.mmdb';
      try {
        await expect(
          Test.createTestingModule({ imports: [configModule, GeoIpModule] }).compile(),
        ).rejects.toThrow(
          /^GEOIP_DATABASE names \/nonexistent\/GeoLite2-Country\.mmdb, which cannot be read/,
        );
      } finally {
        delete process.env.GEOIP_DATABASE;
      }
    });
  });
});
