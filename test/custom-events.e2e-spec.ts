import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import type { Site } from '../src/sites/entities/site.entity.js';
import { CHROME_UA, makeEvent, makeSite } from './utils/factories.js';
import { FakeClock } from './utils/fake-clock.js';
import { createTestApp, dataSourceOf } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

describe('POST /track with custom events', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let dataSource: DataSource;
  let clock: FakeClock;
  let site: Site;

  const track = (body: Record<string, unknown>) =>
    request(app.getHttpServer()).post('/track').set('User-Agent', CHROME_UA).send(body);
  const customEvent = (overrides: Record<string, unknown> = {}) =>
    makeEvent(site.id, {
      type: 'event',
      name: 'Signup',
      props: { plan: 'pro', seats: 3, trial: false },
      ...overrides,
    });
  const eventsOf = (siteId: string) =>
    dataSource.query(`SELECT * FROM events WHERE site_id = $1 ORDER BY created_at`, [siteId]);

  beforeAll(async () => {
    db = await createTestDatabase();
    clock = new FakeClock();
    app = await createTestApp({ databaseUrl: db.url, clock });
    dataSource = dataSourceOf(app);
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  beforeEach(async () => {
    site = await makeSite(dataSource);
  });

  it('should store a custom event with its props, tied to the visitor and session of the page views', async () => {
    const fingerprint = `fp-${randomUUID()}`;
    await track(makeEvent(site.id, { fingerprint })).expect(202);
    clock.advance(60_000);
    await track(customEvent({ fingerprint })).expect(202);

    const [event] = await eventsOf(site.id);
    expect(event).toMatchObject({
      name: 'Signup',
      props: { plan: 'pro', seats: 3, trial: false },
      hostname: 'example.com',
      path: '/pricing',
    });
    const [view] = await dataSource.query(
      `SELECT visitor_id, session_id FROM page_views WHERE site_id = $1`,
      [site.id],
    );
    expect(event.visitor_id).toBe(view.visitor_id);
    expect(event.session_id).toBe(view.session_id);

    const [session] = await dataSource.query(
      `SELECT page_view_count, last_activity_at, started_at FROM sessions WHERE id = $1`,
      [event.session_id],
    );
    expect(session.page_view_count).toBe(1);
    expect(session.last_activity_at - session.started_at).toBe(60_000);
    const [visitor] = await dataSource.query(
      `SELECT total_page_views, last_seen_at, first_seen_at FROM visitors WHERE id = $1`,
      [event.visitor_id],
    );
    expect(visitor.total_page_views).toBe(1);
    expect(visitor.last_seen_at - visitor.first_seen_at).toBe(60_000);
  });

  it('should store an event without props with an empty object', async () => {
    await track(customEvent({ props: undefined, name: 'Download' })).expect(202);
    const [event] = await eventsOf(site.id);
    expect(event).toMatchObject({ name: 'Download', props: {} });
  });

  it('should store a repeated event_id once', async () => {
    const event = customEvent({ event_id: randomUUID() });
    await track(event).expect(202);
    await track(event).expect(202);
    expect(await eventsOf(site.id)).toHaveLength(1);
  });

  it.each([
    [
      'no name',
      { name: undefined },
      'name is required for custom events (type "event") and must not be empty or blank',
    ],
    ['a name over 120 characters', { name: 'x'.repeat(121) }, 'name must be a string'],
    ['nested props', { props: { plan: { tier: 'pro' } } }, 'not nested'],
    ['props as an array', { props: ['pro'] }, 'props must be an object'],
    [
      'more than 30 props',
      { props: Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`k${i}`, i])) },
      'at most 30 keys',
    ],
    ['a prop key over 64 characters', { props: { ['k'.repeat(65)]: 1 } }, '1 to 64 characters'],
    ['a prop value over 256 characters', { props: { plan: 'p'.repeat(257) } }, 'at most 256'],
    ['a null prop value', { props: { plan: null } }, 'strings, numbers or booleans'],
    ['an unknown type', { type: 'click' }, 'type must be "pageview" or "event"'],
  ])('should answer 400 for %s, storing nothing', async (_, overrides, message) => {
    const res = await track(customEvent(overrides)).expect(400);
    expect((res.body.message as string[]).join('\n')).toContain(message);
    expect(await eventsOf(site.id)).toHaveLength(0);
  });

  it('should refuse a name or props on a page view', async () => {
    const res = await track(makeEvent(site.id, { name: 'Signup', props: { a: 1 } })).expect(400);
    const text = (res.body.message as string[]).join('\n');
    expect(text).toContain('name is only for custom events');
    expect(text).toContain('props are only for custom events');
  });

  it('should clean text in prop keys and values', async () => {
    await track(customEvent({ props: { 'pl\u0000an': 'p\ud800ro' } })).expect(202);
    const [event] = await eventsOf(site.id);
    expect(event.props).toEqual({ plan: 'p\uFFFDro' });
  });
});
