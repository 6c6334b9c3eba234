import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { ApiKeysService } from '../src/api-keys/api-keys.service.js';
import { AuditService } from '../src/audit/audit.service.js';
import { type SignedInUser, signedInUser } from './utils/auth.js';
import { makeSite } from './utils/factories.js';
import { createTestApp, dataSourceOf } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

const ORIGIN = 'https://stats.example.net';

describe('shared links (/api/sites/:siteId/shared-links, /api/shared-links/open)', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let dataSource: DataSource;
  let siteId: string;
  let otherSiteId: string;
  let admin: SignedInUser;
  let viewer: SignedInUser;

  const http = () => request(app.getHttpServer());
  const linksOf = (site: string) => `/api/sites/${site}/shared-links`;
  const tokenOf = (link: string) => link.slice(`${ORIGIN}/share/`.length);
  const shared = (path: string, token: string, access?: string) => {
    const req = http().get(path).set('X-Trackveil-Share', token);
    return access ? req.set('X-Trackveil-Share-Access', access) : req;
  };
  const open = (body: Record<string, unknown>) => http().post('/api/shared-links/open').send(body);

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({
      databaseUrl: db.url,
      env: { PUBLIC_URL: ORIGIN, AUTH_MAX_ATTEMPTS_PER_EMAIL: '4' },
    });
    dataSource = dataSourceOf(app);
    const site = await makeSite(dataSource, { name: 'Shop', domain: 'shop.example.com' });
    siteId = site.id;
    otherSiteId = (await makeSite(dataSource, { accountId: site.accountId, name: 'Blog' })).id;
    admin = await signedInUser(app, { accountId: site.accountId, role: 'admin' });
    viewer = await signedInUser(app, { accountId: site.accountId, role: 'viewer' });
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('should let an admin create a link, shown once, stored only as a hash, and list it', async () => {
    const res = await http()
      .post(linksOf(siteId))
      .set('Cookie', admin.cookie)
      .send({ name: ' Investors ' })
      .expect(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      name: 'Investors',
      hasPassword: false,
      createdAt: expect.any(String),
      lastUsedAt: null,
      link: expect.stringMatching(new RegExp(`^${ORIGIN}/share/[A-Za-z0-9_-]{43}$`)),
    });
    const token = tokenOf(res.body.link);
    const stored = JSON.stringify(await dataSource.query('SELECT * FROM shared_links'));
    expect(stored).not.toContain(token);
    const list = await http().get(linksOf(siteId)).set('Cookie', admin.cookie).expect(200);
    const listed = { ...res.body };
    delete listed.link;
    expect(list.body).toEqual([listed]);
  });

  it('should refuse to let a viewer or an API key manage links', async () => {
    await http().post(linksOf(siteId)).set('Cookie', viewer.cookie).send({ name: 'x' }).expect(403);
    await http().get(linksOf(siteId)).set('Cookie', viewer.cookie).expect(403);
    const { key } = await app.get(ApiKeysService).create({
      accountId: (await dataSource.query('SELECT account_id FROM sites WHERE id = $1', [siteId]))[0]
        .account_id,
      name: 'Full',
      scope: 'full',
      createdBy: null,
    });
    await http()
      .post(linksOf(siteId))
      .set('Authorization', `Bearer ${key}`)
      .send({ name: 'x' })
      .expect(403);
  });

  it("should read the site's stats with the link, and nothing else", async () => {
    const created = await http()
      .post(linksOf(siteId))
      .set('Cookie', admin.cookie)
      .send({ name: 'Public' })
      .expect(201);
    const token = tokenOf(created.body.link);
    const opened = await open({ token }).expect(200);
    expect(opened.body).toEqual({
      site: { id: siteId, name: 'Shop', domain: 'shop.example.com', timezone: 'UTC' },
      access: null,
      accessExpiresAt: null,
    });
    // The stats are in the site's timezone (read with the link, not asked again).
    await dataSource.query(`UPDATE sites SET timezone = 'Pacific/Auckland' WHERE id = $1`, [
      siteId,
    ]);
    try {
      const summary = await shared(`/api/sites/${siteId}/stats/summary`, token).expect(200);
      expect(summary.body.period.timezone).toBe('Pacific/Auckland');
    } finally {
      await dataSource.query(`UPDATE sites SET timezone = 'UTC' WHERE id = $1`, [siteId]);
    }
    await shared(`/api/sites/${siteId}/stats/breakdown/page`, token).expect(200);
    await shared(`/api/sites/${siteId}/goals`, token).expect(200);
    // Another site of the same account: as if it did not exist.
    await shared(`/api/sites/${otherSiteId}/stats/summary`, token).expect(404);
    // The site's settings, its links, the account, the session: not for a link.
    for (const path of [
      `/api/sites/${siteId}`,
      linksOf(siteId),
      `/api/sites/${siteId}/snippet`,
      '/api/auth/session',
      '/api/accounts',
    ]) {
      const res = await shared(path, token);
      expect(res.status, path).toBe(403);
    }
    await shared(`/api/sites/${siteId}/stats/summary`, 'A'.repeat(43)).expect(401);

    await app.get(AuditService).flush();
    const reads = await dataSource.query(
      `SELECT actor_type, actor_key_id FROM audit_log WHERE action = 'site.data_read' AND site_id = $1`,
      [siteId],
    );
    expect(reads).toContainEqual({ actor_type: 'shared_link', actor_key_id: created.body.id });

    await http()
      .delete(`${linksOf(siteId)}/${created.body.id}`)
      .set('Cookie', admin.cookie)
      .expect(204);
    await shared(`/api/sites/${siteId}/stats/summary`, token).expect(401);
    await open({ token }).expect(404);
  });

  it('should ask for the password of a protected link, and accept only its proof', async () => {
    await http()
      .post(linksOf(siteId))
      .set('Cookie', admin.cookie)
      .send({ name: 'Board', password: 'short' })
      .expect(400);
    const created = await http()
      .post(linksOf(siteId))
      .set('Cookie', admin.cookie)
      .send({ name: 'Board', password: 'board meeting 2027' })
      .expect(201);
    expect(created.body.hasPassword).toBe(true);
    const token = tokenOf(created.body.link);
    expect((await open({ token }).expect(401)).body.message).toMatch(/password/);
    await open({ token, password: 'board meeting 2026' }).expect(401);
    const opened = await open({ token, password: 'board meeting 2027' }).expect(200);
    expect(opened.body.access).toMatch(/^\d{13}\.[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(opened.body.accessExpiresAt)).toBeGreaterThan(Date.now());
    await shared(`/api/sites/${siteId}/stats/summary`, token).expect(401);
    await shared(`/api/sites/${siteId}/stats/summary`, token, opened.body.access).expect(200);
    const forged = `${Date.now() + 3_600_000}.${opened.body.access.split('.')[1]}`;
    await shared(`/api/sites/${siteId}/stats/summary`, token, forged).expect(401);
    await app.get(AuditService).flush();
    const entries = await dataSource.query(
      `SELECT action, details FROM audit_log WHERE target_type = 'shared_link' AND target_id = $1`,
      [created.body.id],
    );
    expect(entries).toEqual([
      { action: 'shared_link.created', details: { name: 'Board', protected: true } },
    ]);
  });

  it('should limit the password attempts on a link, and not count opening a link without one', async () => {
    const created = await http()
      .post(linksOf(siteId))
      .set('Cookie', admin.cookie)
      .send({ name: 'Guessed', password: 'not guessable 2027' })
      .expect(201);
    const token = tokenOf(created.body.link);
    for (let attempt = 0; attempt < 4; attempt += 1) {
      await open({ token, password: `guess ${attempt}` }).expect(401);
    }
    const refused = await open({ token, password: 'not guessable 2027' }).expect(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // Asking without a password is no guess: it is answered, and counted nowhere.
    await open({ token }).expect(401);
  });

  it('should close the links of a deleted site', async () => {
    const site = await makeSite(dataSource, { name: 'Old' });
    const owner = await signedInUser(app, { accountId: site.accountId, role: 'owner' });
    const created = await http()
      .post(linksOf(site.id))
      .set('Cookie', owner.cookie)
      .send({ name: 'Old' })
      .expect(201);
    const token = tokenOf(created.body.link);
    await shared(`/api/sites/${site.id}/stats/summary`, token).expect(200);
    await http().delete(`/api/sites/${site.id}`).set('Cookie', owner.cookie).expect(202);
    await shared(`/api/sites/${site.id}/stats/summary`, token).expect(401);
    await open({ token }).expect(404);
  });
});
