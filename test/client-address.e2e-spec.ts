import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import type { Site } from '../src/sites/entities/site.entity.js';
import { CHROME_UA, countRows, makeEvent, makeSite } from './utils/factories.js';
import { createTestApp, dataSourceOf } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

/**
 * The client address behind proxies, end to end: what `ip_address` `/track` stores (anonymized:
 * IPv4 /24, IPv6 /48) for the `X-Forwarded-For` real proxies send, and whom the rate limit counts.
 * The tests connect from 127.0.0.1, which plays the load balancer.
 */
describe('client address behind TRUST_PROXY', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  const apps: NestExpressApplication[] = [];

  const trackFrom = (app: NestExpressApplication, site: Site, forwardedFor: string, path = '/') =>
    request(app.getHttpServer())
      .post('/track')
      .set('User-Agent', CHROME_UA)
      .set('X-Forwarded-For', forwardedFor)
      .send(makeEvent(site.id, { url: `https://example.com${path}` }));

  /** The one stored address of the site's page views, as PostgreSQL prints it. */
  const storedAddresses = async (site: Site): Promise<(string | null)[]> => {
    const rows: { ip: string | null }[] = await dataSource.query(
      'SELECT host(ip_address) AS ip FROM page_views WHERE site_id = $1',
      [site.id],
    );
    return rows.map((row) => row.ip);
  };

  const start = async (env: Record<string, string>): Promise<NestExpressApplication> => {
    const app = await createTestApp({ databaseUrl: db.url, env });
    apps.push(app);
    return app;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await db?.drop();
  });

  describe('with one trusted hop (TRUST_PROXY=1)', () => {
    let app: NestExpressApplication;

    beforeAll(async () => {
      app = await start({ TRUST_PROXY: '1', RATE_LIMIT_MAX_REQUESTS: '1000000' });
      dataSource = dataSourceOf(app);
    });

    it.each([
      ['IPv4 with a port', '203.0.113.7:4711', '203.0.113.0'],
      ['bracketed IPv6 with a port', '[2001:db8:85a3::1]:4711', '2001:db8:85a3::'],
      ['bracketed IPv6 without a port', '[2001:db8:85a3::1]', '2001:db8:85a3::'],
      ['bare IPv6, not mistaken for host:port', '2001:db8:85a3:0:0:0:0:4711', '2001:db8:85a3::'],
      ['IPv4-mapped IPv6', '::ffff:203.0.113.7', '203.0.113.0'],
      ['the last of several entries, with a port', '198.51.100.9, 192.0.2.44:80', '192.0.2.0'],
    ])('should store the anonymized address of %s', async (_case, forwardedFor, stored) => {
      const site = await makeSite(dataSource);
      await trackFrom(app, site, forwardedFor).expect(202);
      expect(await storedAddresses(site)).toEqual([stored]);
    });

    it.each([
      ['unknown', 'unknown'],
      ['an RFC 7239 obfuscated identifier', '_hidden'],
      ['markup', '<script>alert(1)</script>'],
      ['an address with a bad port', '203.0.113.7:99999'],
      ['only empty entries', ' , ,'],
      ['an overlong string', `203.0.113.7${'0'.repeat(4000)}`],
      ['a valid address followed by garbage', '203.0.113.7, unknown'],
    ])(
      'should treat %s as no client address and store the proxy address, never the text',
      async (_case, forwardedFor) => {
        const site = await makeSite(dataSource);
        await trackFrom(app, site, forwardedFor).expect(202);
        // The walk stops at the proxy that passed the entry on: here, the test's 127.0.0.1.
        expect(await storedAddresses(site)).toEqual(['127.0.0.0']);
      },
    );
  });

  describe('with a list of trusted proxies (TRUST_PROXY=loopback,10.0.0.0/8)', () => {
    let app: NestExpressApplication;

    beforeAll(async () => {
      app = await start({ TRUST_PROXY: 'loopback,10.0.0.0/8', RATE_LIMIT_MAX_REQUESTS: '1000000' });
    });

    it.each([
      [
        'a client behind a trusted proxy, both with ports',
        '198.51.100.4:4711, 10.1.2.3:80',
        '198.51.100.0',
      ],
      [
        'a bracketed IPv6 client behind a trusted proxy',
        '[2001:db8:aa::5]:1, 10.1.2.3',
        '2001:db8:aa::',
      ],
      ['garbage beyond a trusted proxy', 'garbage, 10.1.2.3', '10.1.2.0'],
      ['garbage beyond the first untrusted address', 'garbage, 198.51.100.4', '198.51.100.0'],
      ['an empty header', '', '127.0.0.0'],
    ])('should store the right address for %s', async (_case, forwardedFor, stored) => {
      const site = await makeSite(dataSource);
      await trackFrom(app, site, forwardedFor).expect(202);
      expect(await storedAddresses(site)).toEqual([stored]);
    });
  });

  describe('rate limit', () => {
    let app: NestExpressApplication;

    beforeAll(async () => {
      app = await start({ TRUST_PROXY: '1', RATE_LIMIT_MAX_REQUESTS: '3' });
    });

    const expectLimitedAfterThree = async (accepted: string[], refused: string) => {
      const site = await makeSite(dataSource);
      for (const [n, forwardedFor] of accepted.entries()) {
        await trackFrom(app, site, forwardedFor, `/${n}`).expect(202);
      }
      await trackFrom(app, site, refused, '/refused').expect(429);
      expect((await countRows(dataSource, site.id)).pageViews).toBe(3);
    };

    it('should count ported and unported forms of one IPv4 address as one client', async () => {
      await expectLimitedAfterThree(
        ['198.51.100.7:1111', '198.51.100.7', '198.51.100.7:2222'],
        '198.51.100.7:3333',
      );
    });

    it('should count ported and unported forms of one IPv6 /64 as one client', async () => {
      await expectLimitedAfterThree(
        ['[2001:db8:1:2::5]:1', '2001:db8:1:2::5', '[2001:DB8:1:2::6]:2'],
        '2001:db8:1:2:0:0:0:7',
      );
    });

    it('should count entries that are not addresses as the proxy, not as a new client each', async () => {
      await expectLimitedAfterThree(['unknown', '_hidden', '<script>'], 'anything-else');
    });

    it('should still count another address apart', async () => {
      const site = await makeSite(dataSource);
      await trackFrom(app, site, '198.51.100.8:1111').expect(202);
      expect((await countRows(dataSource, site.id)).pageViews).toBe(1);
    });
  });
});
