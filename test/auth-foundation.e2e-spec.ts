import { Body, Controller, Get, Post } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { AccountAccess, SignedIn, SiteAccess } from '../src/auth/access-rules.js';
import { CROSS_SITE_REFUSED } from '../src/auth/api-request.middleware.js';
import { CurrentAccess, CurrentPrincipal } from '../src/auth/current.decorators.js';
import type { Principal, ResourceAccess } from '../src/auth/principal.js';
import { signedInUser } from './utils/auth.js';
import { makeSite } from './utils/factories.js';
import { FakeClock } from './utils/fake-clock.js';
import { createTestApp, dataSourceOf } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

const writes: unknown[] = [];

@Controller('api/foundation-test')
class FoundationTestController {
  @Get('me')
  @SignedIn()
  me(@CurrentPrincipal() principal: Principal): Principal {
    return principal;
  }

  @Post('me')
  @SignedIn()
  write(@Body() body: unknown): { ok: true } {
    writes.push(body);
    return { ok: true };
  }

  @Get('sites/:siteId')
  @SiteAccess('viewer')
  site(@CurrentAccess() access: ResourceAccess): ResourceAccess {
    return access;
  }

  @Get('accounts/:accountId')
  @AccountAccess('admin')
  account(@CurrentAccess() access: ResourceAccess): ResourceAccess {
    return access;
  }
}

const DAY_MS = 86_400_000;

describe('sessions, CSRF and account scoping (the access layer under every management route)', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  const clock = new FakeClock(Date.parse('2026-12-01T12:00:00Z'));

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({
      databaseUrl: db.url,
      clock,
      env: { AUTH_SESSION_IDLE_DAYS: '14', AUTH_SESSION_MAX_DAYS: '30' },
      extra: { controllers: [FoundationTestController] },
    });
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('should sign a user in by cookie, keep only the hash of the token, and refuse a made-up cookie', async () => {
    const user = await signedInUser(app);
    const res = await request(app.getHttpServer())
      .get('/api/foundation-test/me')
      .set('Cookie', user.cookie)
      .expect(200);
    expect(res.body).toEqual({ type: 'user', userId: user.userId, sessionId: user.sessionId });
    const token = user.cookie.split('=')[1];
    const [row] = await dataSourceOf(app).query(
      'SELECT encode(token_hash, $2) AS hash, user_agent, client_address FROM user_sessions WHERE id = $1',
      [user.sessionId, 'hex'],
    );
    expect(row.hash).toHaveLength(64);
    expect(row.hash).not.toContain(Buffer.from(token, 'base64url').toString('hex'));
    expect(row.client_address).toBe('127.0.0.0');
    await request(app.getHttpServer())
      .get('/api/foundation-test/me')
      .set('Cookie', `trackveil_session=${'A'.repeat(43)}`)
      .expect(401);
  });

  it('should slide the expiry with use, end an unused session after the idle time, and never pass the maximum', async () => {
    const user = await signedInUser(app);
    const call = () =>
      request(app.getHttpServer()).get('/api/foundation-test/me').set('Cookie', user.cookie);
    const started = clock.now().getTime();
    const moveTo = (time: number) => clock.advance(time - clock.now().getTime());
    try {
      // Used every 10 days: each use pushes the end 14 days on, until 30 days after sign-in.
      for (const day of [10, 20]) {
        moveTo(started + day * DAY_MS);
        const res = await call().expect(200);
        expect(res.headers['set-cookie']?.[0]).toMatch(/Max-Age=\d+/);
      }
      moveTo(started + 29 * DAY_MS);
      await call().expect(200);
      moveTo(started + 30 * DAY_MS + 1000);
      const expired = await call().expect(401);
      expect(expired.headers['set-cookie']?.[0]).toMatch(/trackveil_session=;.*Max-Age=0/);

      const idle = await signedInUser(app);
      clock.advance(14 * DAY_MS + 1000);
      await request(app.getHttpServer())
        .get('/api/foundation-test/me')
        .set('Cookie', idle.cookie)
        .expect(401);
    } finally {
      moveTo(started);
    }
  });

  it('should refuse a cross-site write carrying the session cookie, and a form post, storing nothing', async () => {
    const user = await signedInUser(app);
    writes.length = 0;
    const crossSite = await request(app.getHttpServer())
      .post('/api/foundation-test/me')
      .set('Cookie', user.cookie)
      .set('Origin', 'https://evil.example')
      .type('form')
      .send('name=attacker')
      .expect(403);
    expect(crossSite.body.message).toBe(CROSS_SITE_REFUSED);
    await request(app.getHttpServer())
      .post('/api/foundation-test/me')
      .set('Cookie', user.cookie)
      .set('Sec-Fetch-Site', 'cross-site')
      .send({ name: 'attacker' })
      .expect(403);
    const form = await request(app.getHttpServer())
      .post('/api/foundation-test/me')
      .set('Cookie', user.cookie)
      .type('form')
      .send('name=attacker')
      .expect(415);
    expect(form.body.message).toMatch(/application\/json/);
    expect(writes).toEqual([]);
    const host = '127.0.0.1';
    await request(app.getHttpServer())
      .post('/api/foundation-test/me')
      .set('Host', host)
      .set('Origin', `http://${host}`)
      .set('Sec-Fetch-Site', 'same-origin')
      .set('Cookie', user.cookie)
      .send({ name: 'owner' })
      .expect(201);
    expect(writes).toEqual([{ name: 'owner' }]);
  });

  it('should answer 404 to a member of another account for a site or an account, and give members their role', async () => {
    const dataSource = dataSourceOf(app);
    const site = await makeSite(dataSource);
    const other = await makeSite(dataSource);
    const member = await signedInUser(app, { accountId: site.accountId, role: 'admin' });
    const stranger = await signedInUser(app, { accountId: other.accountId, role: 'owner' });
    const ok = await request(app.getHttpServer())
      .get(`/api/foundation-test/sites/${site.id}`)
      .set('Cookie', member.cookie)
      .expect(200);
    expect(ok.body).toEqual({
      accountId: site.accountId,
      siteId: site.id,
      siteTimezone: 'UTC',
      role: 'admin',
    });
    const foreign = await request(app.getHttpServer())
      .get(`/api/foundation-test/sites/${site.id}`)
      .set('Cookie', stranger.cookie)
      .expect(404);
    const missing = await request(app.getHttpServer())
      .get('/api/foundation-test/sites/00000000-0000-4000-8000-000000000000')
      .set('Cookie', stranger.cookie)
      .expect(404);
    expect(foreign.body.message).toBe(missing.body.message);
    await request(app.getHttpServer())
      .get(`/api/foundation-test/accounts/${site.accountId}`)
      .set('Cookie', stranger.cookie)
      .expect(404);
    const viewer = await signedInUser(app, { accountId: site.accountId, role: 'viewer' });
    await request(app.getHttpServer())
      .get(`/api/foundation-test/accounts/${site.accountId}`)
      .set('Cookie', viewer.cookie)
      .expect(403);
  });
});
