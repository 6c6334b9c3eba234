import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { ApiKeysService } from '../src/api-keys/api-keys.service.js';
import { AuditService } from '../src/audit/audit.service.js';
import { matchesPagePath, toLikePattern } from '../src/goals/goal-match.js';
import { MAX_GOALS_PER_SITE } from '../src/goals/goals.service.js';
import { type SignedInUser, signedInUser } from './utils/auth.js';
import { waitFor } from './utils/data-source.js';
import { makeSite } from './utils/factories.js';
import { FakeClock } from './utils/fake-clock.js';
import { createTestApp, dataSourceOf } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const SITE_CACHE_TTL_SECONDS = 5;

type Method = 'get' | 'post' | 'patch' | 'delete';

interface GoalRow {
  event_name: string | null;
  page_path: string | null;
  display_name: string | null;
}

describe('the goals API (/api/sites/:siteId/goals)', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let dataSource: DataSource;
  const clock = new FakeClock(Date.now());
  let accountId: string;
  let siteId: string;
  let admin: SignedInUser;
  let viewer: SignedInUser;
  let outsider: SignedInUser;
  let readKey: string;
  let fullKey: string;

  const http = () => request(app.getHttpServer());
  const as = (user: SignedInUser, method: Method, path: string) =>
    http()[method](path).set('Cookie', user.cookie);
  const withKey = (key: string, method: Method, path: string) =>
    http()[method](path).set('Authorization', `Bearer ${key}`);
  const goalsOf = (site: string) => `/api/sites/${site}/goals`;
  const rowsOf = (site: string): Promise<GoalRow[]> =>
    dataSource.query(
      `SELECT event_name, page_path, display_name FROM goals WHERE site_id = $1
        ORDER BY created_at, id`,
      [site],
    );
  const auditEntries = async (action: string, goalId: string) => {
    await app.get(AuditService).flush();
    return dataSource.query<{ site_id: string; account_id: string; details: object }[]>(
      `SELECT site_id, account_id, details FROM audit_log
        WHERE action = $1 AND target_type = 'goal' AND target_id = $2`,
      [action, goalId],
    );
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({
      databaseUrl: db.url,
      clock,
      env: { SITE_CACHE_TTL_SECONDS: String(SITE_CACHE_TTL_SECONDS) },
    });
    dataSource = dataSourceOf(app);
    const site = await makeSite(dataSource, { name: 'Shop' });
    accountId = site.accountId;
    siteId = site.id;
    admin = await signedInUser(app, { accountId, role: 'admin' });
    viewer = await signedInUser(app, { accountId, role: 'viewer' });
    const elsewhere = await makeSite(dataSource);
    outsider = await signedInUser(app, { accountId: elsewhere.accountId, role: 'owner' });
    const keys = app.get(ApiKeysService);
    readKey = (await keys.create({ accountId, name: 'Read', scope: 'stats:read', createdBy: null }))
      .key;
    fullKey = (await keys.create({ accountId, name: 'Full', scope: 'full', createdBy: null })).key;
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  describe('create, list, change, delete', () => {
    let eventGoalId: string;
    let pageGoalId: string;

    it('should create an event goal, store it as /track stores event names and audit it', async () => {
      const res = await as(admin, 'post', goalsOf(siteId))
        .send({ eventName: '  Signup ' })
        .expect(201);
      eventGoalId = res.body.id;
      expect(res.body).toEqual({
        id: expect.stringMatching(UUID),
        siteId,
        kind: 'event',
        eventName: 'Signup',
        pagePath: null,
        displayName: null,
        name: 'Signup',
        createdAt: expect.stringMatching(ISO_TIME),
      });
      expect(await rowsOf(siteId)).toEqual([
        { event_name: 'Signup', page_path: null, display_name: null },
      ]);
      expect(await auditEntries('goal.created', eventGoalId)).toEqual([
        { site_id: siteId, account_id: accountId, details: { kind: 'event', eventName: 'Signup' } },
      ]);
    });

    it('should create a page goal with a display name, and name a page goal "Visit <path>" without one', async () => {
      const named = await as(admin, 'post', goalsOf(siteId))
        .send({ pagePath: '/blog/*', displayName: ' Read the blog ' })
        .expect(201);
      pageGoalId = named.body.id;
      expect(named.body).toMatchObject({
        kind: 'page',
        eventName: null,
        pagePath: '/blog/*',
        displayName: 'Read the blog',
        name: 'Read the blog',
      });
      const plain = await as(admin, 'post', goalsOf(siteId))
        .send({ pagePath: '/pricing', displayName: '   ' })
        .expect(201);
      expect(plain.body).toMatchObject({ displayName: null, name: 'Visit /pricing' });
      expect(await rowsOf(siteId)).toEqual([
        { event_name: 'Signup', page_path: null, display_name: null },
        { event_name: null, page_path: '/blog/*', display_name: 'Read the blog' },
        { event_name: null, page_path: '/pricing', display_name: null },
      ]);
    });

    it('should store a page pattern the way /track stores paths: escapes decoded, runs of * made one', async () => {
      const res = await as(admin, 'post', goalsOf(siteId))
        .send({ pagePath: '/caf%C3%A9/**/menu' })
        .expect(201);
      expect(res.body).toMatchObject({ pagePath: '/café/*/menu', name: 'Visit /café/*/menu' });
      await as(admin, 'delete', `${goalsOf(siteId)}/${res.body.id}`).expect(204);
    });

    it('should list the goals oldest first to a viewer', async () => {
      const res = await as(viewer, 'get', goalsOf(siteId)).expect(200);
      expect((res.body as { name: string }[]).map((goal) => goal.name)).toEqual([
        'Signup',
        'Read the blog',
        'Visit /pricing',
      ]);
      expect(res.body[0]).toEqual((await as(admin, 'get', goalsOf(siteId)).expect(200)).body[0]);
    });

    it('should change only the display name, audit the change, and clear it with null', async () => {
      const res = await as(admin, 'patch', `${goalsOf(siteId)}/${eventGoalId}`)
        .send({ displayName: 'Signed up' })
        .expect(200);
      expect(res.body).toMatchObject({
        id: eventGoalId,
        eventName: 'Signup',
        displayName: 'Signed up',
        name: 'Signed up',
      });
      expect((await rowsOf(siteId))[0].display_name).toBe('Signed up');
      expect(await auditEntries('goal.updated', eventGoalId)).toEqual([
        { site_id: siteId, account_id: accountId, details: { fields: ['displayName'] } },
      ]);

      const cleared = await as(admin, 'patch', `${goalsOf(siteId)}/${eventGoalId}`)
        .send({ displayName: null })
        .expect(200);
      expect(cleared.body).toMatchObject({ displayName: null, name: 'Signup' });
      expect((await rowsOf(siteId))[0].display_name).toBeNull();

      // Nothing changed, nothing audited.
      await as(admin, 'patch', `${goalsOf(siteId)}/${eventGoalId}`)
        .send({})
        .expect(200);
      expect(await auditEntries('goal.updated', eventGoalId)).toHaveLength(2);
    });

    it('should name displayName when a new one is not a string of at most 120 characters', async () => {
      for (const [displayName, message] of [
        [42, 'displayName must be a string'],
        ['x'.repeat(121), 'displayName must be at most 120 characters long.'],
      ] as const) {
        const res = await as(admin, 'patch', `${goalsOf(siteId)}/${eventGoalId}`)
          .send({ displayName })
          .expect(400);
        expect(([] as string[]).concat(res.body.message)).toEqual([message]);
      }
      expect((await rowsOf(siteId))[0].display_name).toBeNull();
    });

    it('should refuse to change what a goal counts', async () => {
      for (const body of [{ eventName: 'Other' }, { pagePath: '/other' }]) {
        const res = await as(admin, 'patch', `${goalsOf(siteId)}/${pageGoalId}`)
          .send(body)
          .expect(400);
        expect(res.body.message).toEqual([`property ${Object.keys(body)[0]} should not exist`]);
      }
      expect((await rowsOf(siteId))[1]).toEqual({
        event_name: null,
        page_path: '/blog/*',
        display_name: 'Read the blog',
      });
    });

    it('should delete a goal with 204, audit it, and answer 404 for it afterwards', async () => {
      await as(admin, 'delete', `${goalsOf(siteId)}/${pageGoalId}`)
        .expect(204)
        .expect('');
      expect((await rowsOf(siteId)).map((row) => row.page_path)).not.toContain('/blog/*');
      expect(await auditEntries('goal.deleted', pageGoalId)).toEqual([
        { site_id: siteId, account_id: accountId, details: { kind: 'page', pagePath: '/blog/*' } },
      ]);
      const again = await as(admin, 'delete', `${goalsOf(siteId)}/${pageGoalId}`).expect(404);
      expect(again.body.message).toBe('Goal not found.');
      await as(admin, 'patch', `${goalsOf(siteId)}/${pageGoalId}`)
        .send({ displayName: 'x' })
        .expect(404);
    });

    it('should answer 404 for a goal id that is not a UUID', async () => {
      await as(admin, 'delete', `${goalsOf(siteId)}/not-a-uuid`).expect(404);
      await as(admin, 'patch', `${goalsOf(siteId)}/not-a-uuid`)
        .send({})
        .expect(404);
    });
  });

  describe('validation', () => {
    const refused = async (body: object): Promise<string> => {
      const before = await rowsOf(siteId);
      const res = await as(admin, 'post', goalsOf(siteId)).send(body).expect(400);
      expect(await rowsOf(siteId)).toEqual(before);
      return ([] as string[]).concat(res.body.message).join(' | ');
    };

    it('should ask for exactly one of eventName and pagePath, naming both', async () => {
      expect(await refused({})).toBe(
        'Give eventName (a custom event, such as "Signup") or pagePath (pages, such as "/blog/*"): a goal needs exactly one of the two.',
      );
      expect(await refused({ displayName: 'Only a name' })).toContain('eventName');
      expect(await refused({ eventName: 'Signup', pagePath: '/blog/*' })).toBe(
        'Give eventName or pagePath, not both: a goal counts either a custom event or visits to pages.',
      );
    });

    it('should name the bad field', async () => {
      expect(await refused({ eventName: '   ' })).toMatch(/^eventName must be 1 to 120 characters/);
      expect(await refused({ eventName: 'x'.repeat(121) })).toMatch(/^eventName must be 1 to 120/);
      expect(await refused({ eventName: 42 })).toBe('eventName must be a string');
      expect(await refused({ eventName: null })).toBe('eventName must be a string');
      expect(await refused({ pagePath: 'blog/*' })).toMatch(/^pagePath must start with \//);
      expect(await refused({ pagePath: '' })).toMatch(/^pagePath must start with \//);
      expect(await refused({ pagePath: '/pricing?plan=pro' })).toMatch(
        /^pagePath is matched against the path alone/,
      );
      expect(await refused({ pagePath: `/${'a'.repeat(2048)}` })).toMatch(
        /^pagePath must be at most 2048 bytes long in UTF-8/,
      );
      expect(await refused({ pagePath: `/${'é'.repeat(1024)}` })).toMatch(
        /^pagePath must be at most 2048 bytes long in UTF-8/,
      );
      expect(await refused({ pagePath: '/a', displayName: 'x'.repeat(121) })).toBe(
        'displayName must be at most 120 characters long.',
      );
      expect(await refused({ eventName: 'Signup', goal: 'x' })).toBe(
        'property goal should not exist',
      );
    });

    it('should accept the longest event name /track stores and the longest pattern that fits the index', async () => {
      for (const body of [
        { eventName: 'x'.repeat(120) },
        { pagePath: `/${'a'.repeat(2047)}` },
        // 2048 bytes of two-byte characters, in an order that does not repeat (hardly compressible).
        {
          pagePath: `/${Array.from({ length: 1023 }, (_, i) => String.fromCharCode(0x400 + ((i * i * 7 + i * 13) % 1024))).join('')}*`,
        },
      ]) {
        const res = await as(admin, 'post', goalsOf(siteId)).send(body).expect(201);
        await as(admin, 'delete', `${goalsOf(siteId)}/${res.body.id}`).expect(204);
      }
    });

    it('should refuse a goal the site has already with 409, and allow it on another site', async () => {
      const site = await makeSite(dataSource, { accountId, name: 'Duplicates' });
      await as(admin, 'post', goalsOf(site.id)).send({ eventName: 'Signup' }).expect(201);
      await as(admin, 'post', goalsOf(site.id)).send({ pagePath: '/docs/*' }).expect(201);
      const event = await as(admin, 'post', goalsOf(site.id))
        .send({ eventName: ' Signup', displayName: 'Again' })
        .expect(409);
      expect(event.body.message).toBe(
        'The site already has a goal for the event "Signup" (eventName).',
      );
      const page = await as(admin, 'post', goalsOf(site.id))
        .send({ pagePath: '/docs/**' })
        .expect(409);
      expect(page.body.message).toBe(
        'The site already has a goal for the pages "/docs/*" (pagePath).',
      );
      // Names are case-sensitive, as custom events are.
      await as(admin, 'post', goalsOf(site.id)).send({ eventName: 'signup' }).expect(201);
      expect(await rowsOf(site.id)).toHaveLength(3);
    });

    it('should refuse a name another goal of the site is shown with, on create and on rename (409 naming displayName)', async () => {
      const site = await makeSite(dataSource, { accountId, name: 'Names' });
      const taken = (name: string) =>
        `Another goal of the site is called "${name}"; goals are told apart by name in the stats, so give this one another displayName.`;
      const signup = await as(admin, 'post', goalsOf(site.id))
        .send({ eventName: 'Signup' })
        .expect(201);
      const blog = await as(admin, 'post', goalsOf(site.id))
        .send({ pagePath: '/blog/*', displayName: 'Read the blog' })
        .expect(201);
      const clashes: [object, string][] = [
        [{ pagePath: '/welcome', displayName: 'Signup' }, 'Signup'],
        [{ eventName: 'Read the blog' }, 'Read the blog'],
        [{ eventName: 'Trial', displayName: 'Read the blog' }, 'Read the blog'],
      ];
      for (const [body, name] of clashes) {
        const res = await as(admin, 'post', goalsOf(site.id)).send(body).expect(409);
        expect(res.body.message).toBe(taken(name));
      }
      // Renaming: to another goal's name is refused, back to its own default name is not.
      const rename = await as(admin, 'patch', `${goalsOf(site.id)}/${blog.body.id}`)
        .send({ displayName: 'Signup' })
        .expect(409);
      expect(rename.body.message).toBe(taken('Signup'));
      await as(admin, 'patch', `${goalsOf(site.id)}/${blog.body.id}`)
        .send({ displayName: 'Visit /blog/*' })
        .expect(200);
      // A goal may be given, as its display name, the name it has already.
      await as(admin, 'patch', `${goalsOf(site.id)}/${signup.body.id}`)
        .send({ displayName: 'Signup' })
        .expect(200);
      expect(await rowsOf(site.id)).toEqual([
        { event_name: 'Signup', page_path: null, display_name: 'Signup' },
        { event_name: null, page_path: '/blog/*', display_name: 'Visit /blog/*' },
      ]);
    });

    it(`should keep a site at ${MAX_GOALS_PER_SITE} goals, even with creations racing for the last places`, async () => {
      const site = await makeSite(dataSource, { accountId, name: 'Many goals' });
      await dataSource.query(
        `INSERT INTO goals (site_id, event_name)
         SELECT $1, 'Event ' || g FROM generate_series(1, $2::int) g`,
        [site.id, MAX_GOALS_PER_SITE - 3],
      );
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          as(admin, 'post', goalsOf(site.id)).send({ pagePath: `/race/${i}` }),
        ),
      );
      expect(answers.map((res) => res.status).sort()).toEqual([
        201, 201, 201, 409, 409, 409, 409, 409,
      ]);
      const refusal = answers.find((res) => res.status === 409);
      expect(refusal?.body.message).toBe(
        `A site may have at most ${MAX_GOALS_PER_SITE} goals; delete one it no longer needs first.`,
      );
      expect(await rowsOf(site.id)).toHaveLength(MAX_GOALS_PER_SITE);
    });
  });

  describe('who may call', () => {
    it('should let a viewer list but not create, change or delete goals (403)', async () => {
      const [goal] = (await as(viewer, 'get', goalsOf(siteId)).expect(200)).body as {
        id: string;
      }[];
      const before = await rowsOf(siteId);
      await as(viewer, 'post', goalsOf(siteId)).send({ eventName: 'Viewer' }).expect(403);
      await as(viewer, 'patch', `${goalsOf(siteId)}/${goal.id}`)
        .send({ displayName: 'Viewer' })
        .expect(403);
      await as(viewer, 'delete', `${goalsOf(siteId)}/${goal.id}`).expect(403);
      expect(await rowsOf(siteId)).toEqual(before);
    });

    it('should let a stats:read key list but not create, and a full key do both', async () => {
      const listed = await withKey(readKey, 'get', goalsOf(siteId)).expect(200);
      expect(listed.body.length).toBeGreaterThan(0);
      await withKey(readKey, 'post', goalsOf(siteId)).send({ eventName: 'ByReadKey' }).expect(403);
      const created = await withKey(fullKey, 'post', goalsOf(siteId))
        .send({ eventName: 'ByFullKey' })
        .expect(201);
      const names = (await rowsOf(siteId)).map((row) => row.event_name);
      expect(names).toContain('ByFullKey');
      expect(names).not.toContain('ByReadKey');
      await withKey(fullKey, 'delete', `${goalsOf(siteId)}/${created.body.id}`).expect(204);
    });

    it("should answer 404 on every goals route to another account's owner, and change nothing", async () => {
      const [goal] = (await as(admin, 'get', goalsOf(siteId)).expect(200)).body as { id: string }[];
      const before = await rowsOf(siteId);
      const answers = [
        (await as(outsider, 'get', goalsOf(siteId))).status,
        (await as(outsider, 'post', goalsOf(siteId)).send({ eventName: 'Stranger' })).status,
        (await as(outsider, 'patch', `${goalsOf(siteId)}/${goal.id}`).send({ displayName: 'x' }))
          .status,
        (await as(outsider, 'delete', `${goalsOf(siteId)}/${goal.id}`)).status,
      ];
      expect(answers).toEqual([404, 404, 404, 404]);
      expect(await rowsOf(siteId)).toEqual(before);
    });

    it("should answer 404 for a goal of another site, even of the caller's own account", async () => {
      const [goal] = (await as(admin, 'get', goalsOf(siteId)).expect(200)).body as { id: string }[];
      const sibling = await makeSite(dataSource, { accountId, name: 'Sibling' });
      await as(admin, 'patch', `${goalsOf(sibling.id)}/${goal.id}`)
        .send({ displayName: 'Moved?' })
        .expect(404);
      await as(admin, 'delete', `${goalsOf(sibling.id)}/${goal.id}`).expect(404);
      expect(await dataSource.query('SELECT 1 FROM goals WHERE id = $1', [goal.id])).toHaveLength(
        1,
      );
    });
  });

  it('should delete the goals of a deleted site with the site', async () => {
    const site = await makeSite(dataSource, { accountId, name: 'Doomed' });
    await as(admin, 'post', goalsOf(site.id)).send({ eventName: 'Signup' }).expect(201);
    await as(admin, 'post', goalsOf(site.id)).send({ pagePath: '/*' }).expect(201);
    await as(admin, 'delete', `/api/sites/${site.id}`).expect(202);
    // Gone from the API at once...
    await as(admin, 'get', goalsOf(site.id)).expect(404);
    await as(admin, 'post', goalsOf(site.id)).send({ eventName: 'Late' }).expect(404);
    // ...and from the database with the site row, once the purge's grace period has passed.
    clock.advance((SITE_CACHE_TTL_SECONDS + 6) * 1000);
    await waitFor('the site row to be deleted', async () => {
      const rows = await dataSource.query('SELECT 1 FROM sites WHERE id = $1', [site.id]);
      return rows.length === 0;
    });
    expect(await rowsOf(site.id)).toEqual([]);
  });

  describe('the matching rule in PostgreSQL', () => {
    /** What `path LIKE toLikePattern(pattern)` answers for each pair, in one query. */
    const like = async (pairs: [string, string][]): Promise<boolean[]> => {
      const rows = await dataSource.query<{ matches: boolean }[]>(
        `SELECT p.path LIKE p.pattern AS matches
           FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS p(pattern, path, n)
          ORDER BY p.n`,
        [pairs.map(([pattern]) => toLikePattern(pattern)), pairs.map(([, path]) => path)],
      );
      return rows.map((row) => row.matches);
    };

    it('should answer with LIKE what matchesPagePath answers, for %, _ and backslash too', async () => {
      const cases: [pattern: string, path: string, matches: boolean][] = [
        ['/blog/*', '/blog/a', true],
        ['/blog/*', '/blog/a/b', true],
        ['/blog/*', '/blog/', true],
        ['/blog/*', '/blog', false],
        ['/pricing', '/pricing', true],
        ['/pricing', '/pricing/', false],
        ['/pricing', '/PRICING', false],
        ['/100%', '/100%', true],
        ['/100%', '/1000', false],
        ['/my_page', '/my_page', true],
        ['/my_page', '/myXpage', false],
        ['/a\\b', '/a\\b', true],
        ['/a\\b', '/ab', false],
        ['/a\\*', '/a\\x/y', true],
        ['/a\\*', '/ax', false],
        ['/*/checkout', '/de/fr/checkout', true],
        ['/*/checkout', '/de/checkout/done', false],
        ['/café/*', '/café/menu', true],
      ];
      const pairs = cases.map(([pattern, path]): [string, string] => [pattern, path]);
      const expected = cases.map(([, , matches]) => matches);
      expect(pairs.map(([pattern, path]) => matchesPagePath(pattern, path))).toEqual(expected);
      expect(await like(pairs)).toEqual(expected);
    });

    it('should agree with matchesPagePath on every pattern and path of up to three characters after the /', async () => {
      /** Every string of up to `length` characters from `chars`, each after a `/`. */
      const all = (chars: string[], length: number): string[] => {
        let level = [''];
        const found = [''];
        for (let i = 0; i < length; i += 1) {
          level = level.flatMap((start) => chars.map((char) => start + char));
          found.push(...level);
        }
        return found.map((text) => `/${text}`);
      };
      const patterns = all(['a', '*', '%', '_', '\\'], 3);
      const paths = all(['a', '/', '%', '_', '\\'], 3);
      const pairs = patterns.flatMap((pattern) =>
        paths.map((path): [string, string] => [pattern, path]),
      );
      const expected = pairs.map(([pattern, path]) => matchesPagePath(pattern, path));
      expect(await like(pairs)).toEqual(expected);
      // Not a comparison of two answers that are always false.
      expect(expected.filter(Boolean).length).toBeGreaterThan(1000);
    });
  });

  it('should describe the goals routes under the goals tag in the OpenAPI document', async () => {
    const res = await http().get('/api/docs-json').expect(200);
    const paths = res.body.paths as Record<string, Record<string, Record<string, unknown>>>;
    const list = paths['/api/sites/{siteId}/goals'];
    const one = paths['/api/sites/{siteId}/goals/{goalId}'];
    expect(list.get.tags).toEqual(['goals']);
    expect(JSON.stringify(list.get.responses)).toContain('GoalDto');
    expect(JSON.stringify(list.post.requestBody)).toContain('CreateGoalDto');
    expect(JSON.stringify(list.post.responses)).toContain('409');
    expect(JSON.stringify(one.patch.requestBody)).toContain('UpdateGoalDto');
    expect(one.delete.responses).toHaveProperty('204');
    expect(one.delete.responses).toHaveProperty('404');
  });
});
