import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { type SignedInUser, signedInUser } from './utils/auth.js';
import { CHROME_UA, makeEvent, makeSite } from './utils/factories.js';
import { createTestApp, dataSourceOf } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

describe('GET /api/sites/:siteId/stats/event-properties', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let siteId: string;
  let viewer: SignedInUser;

  const track = (body: Record<string, unknown>) =>
    request(app.getHttpServer()).post('/track').set('User-Agent', CHROME_UA).send(body);
  const keysOf = (query: string) =>
    request(app.getHttpServer())
      .get(`/api/sites/${siteId}/stats/event-properties?${query}`)
      .set('Cookie', viewer.cookie);

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({ databaseUrl: db.url });
    const site = await makeSite(dataSourceOf(app));
    siteId = site.id;
    viewer = await signedInUser(app, { accountId: site.accountId, role: 'viewer' });
    const events: [string, Record<string, unknown> | undefined][] = [
      ['Signup', { plan: 'pro', seats: 3 }],
      ['Signup', { plan: 'free' }],
      ['Signup', undefined],
      ['Download', { file: 'a.pdf', plan: 'pro' }],
    ];
    for (const [name, props] of events) {
      await track(makeEvent(siteId, { type: 'event', name, ...(props ? { props } : {}) })).expect(
        202,
      );
    }
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('should list the keys of the period, most used first, for every event or one', async () => {
    const all = await keysOf('period=day').expect(200);
    expect(all.body.keys).toEqual([
      { key: 'plan', events: 3 },
      { key: 'file', events: 1 },
      { key: 'seats', events: 1 },
    ]);
    expect(all.body.period).toMatchObject({ name: 'day' });
    const signup = await keysOf('period=day&event=Signup').expect(200);
    expect(signup.body.keys).toEqual([
      { key: 'plan', events: 2 },
      { key: 'seats', events: 1 },
    ]);
    expect((await keysOf('period=day&event=Nothing').expect(200)).body.keys).toEqual([]);
    expect(
      (await keysOf('period=custom&from=2020-01-01&to=2020-01-31').expect(200)).body.keys,
    ).toEqual([]);
  });

  it('should refuse a bad period, and anyone outside the account', async () => {
    await keysOf('period=bogus').expect(400);
    const outsider = await signedInUser(app, {});
    await request(app.getHttpServer())
      .get(`/api/sites/${siteId}/stats/event-properties`)
      .set('Cookie', outsider.cookie)
      .expect(404);
  });
});
