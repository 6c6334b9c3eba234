import { Controller, Get, Post } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { SIGN_IN_NEEDED } from '../src/auth/access.guard.js';
import { Public } from '../src/auth/access-rules.js';
import { ApiKeysService } from '../src/api-keys/api-keys.service.js';
import { signedInUser } from './utils/auth.js';
import { CHROME_UA, countRows, makeEvent, makeSite } from './utils/factories.js';
import { concretePath, type DiscoveredRoute, discoverRoutes } from './utils/routes.js';
import { createTestApp, dataSourceOf } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

/**
 * The routes anyone may call without signing in. Reviewed: adding one here is a decision that
 * the route is meant for anonymous callers (browsers sending events, probes, Prometheus).
 */
const REVIEWED_PUBLIC_ROUTES = [
  'POST /api/invitations/accept',
  'POST /api/invitations/lookup',
  // A shared link's holder opens it (the token and any password are checked by the handler).
  'POST /api/shared-links/open',
  'GET /api/auth/registration',
  'POST /api/auth/password-reset',
  'POST /api/auth/password-reset/confirm',
  'POST /api/auth/sign-in',
  'POST /api/auth/sign-up',
  'GET /health',
  'GET /health/live',
  'GET /health/ready',
  'GET /metrics',
  'GET /test.html',
  'GET /tracker.js',
  'GET /tracker.min.js',
  'POST /track',
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Calls that reached a test-only handler: none may, anonymously. */
const handlerCalls: string[] = [];

/** Routes added the way a careless change would add them: without any access rule. */
@Controller('access-test')
class UndeclaredController {
  @Get()
  list(): string[] {
    handlerCalls.push('list');
    return ['secret'];
  }

  @Post(':id')
  update(): string {
    handlerCalls.push('update');
    return 'changed';
  }
}

/** A public route nobody reviewed: the check below must name it. */
@Public()
@Controller('access-test-unreviewed')
class UnreviewedPublicController {
  @Get()
  open(): string {
    return 'open';
  }
}

const TEST_ONLY_CONTROLLERS = ['UndeclaredController', 'UnreviewedPublicController'];

function anonymousCall(app: NestExpressApplication, route: DiscoveredRoute): request.Test {
  const agent = request(app.getHttpServer());
  const path = concretePath(route.path);
  switch (route.method) {
    case 'GET':
      return agent.get(path);
    case 'POST':
      return agent.post(path).send({});
    case 'PUT':
      return agent.put(path).send({});
    case 'PATCH':
      return agent.patch(path).send({});
    case 'DELETE':
      return agent.delete(path);
    default:
      throw new Error(`Teach this test to call ${route.name}.`);
  }
}

/**
 * What is wrong with the app's access rules: a public route nobody reviewed, a reviewed one that
 * is gone, a route that is not public but answers an anonymous call with anything but the 401.
 */
async function accessProblems(
  app: NestExpressApplication,
  routes: DiscoveredRoute[],
): Promise<string[]> {
  const problems: string[] = [];
  const publicNames = routes.filter((route) => route.isPublic).map((route) => route.name);
  for (const name of publicNames) {
    if (!REVIEWED_PUBLIC_ROUTES.includes(name)) {
      problems.push(`${name} is public but not in the reviewed list of public routes.`);
    }
  }
  for (const name of REVIEWED_PUBLIC_ROUTES) {
    if (!publicNames.includes(name)) problems.push(`${name} is reviewed as public but is not.`);
  }
  for (const route of routes.filter((candidate) => !candidate.isPublic)) {
    const res = await anonymousCall(app, route);
    if (res.status !== 401 || res.body?.message !== SIGN_IN_NEEDED) {
      problems.push(`${route.name} answered ${res.status} to an anonymous call: ${res.text}`);
    }
  }
  return problems;
}

describe('access: deny by default', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let routes: DiscoveredRoute[];

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({
      databaseUrl: db.url,
      extra: {
        imports: [DiscoveryModule],
        controllers: [UndeclaredController, UnreviewedPublicController],
      },
    });
    routes = discoverRoutes(app);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it("should find every route of the app's controllers through Nest's discovery", () => {
    expect(routes.map((route) => route.name)).toEqual(
      expect.arrayContaining([
        ...REVIEWED_PUBLIC_ROUTES,
        'GET /access-test',
        'POST /access-test/:id',
        'GET /access-test-unreviewed',
      ]),
    );
  });

  it('should make public exactly the reviewed routes and refuse every other route anonymously, naming only the unreviewed test route', async () => {
    expect(await accessProblems(app, routes)).toEqual([
      'GET /access-test-unreviewed is public but not in the reviewed list of public routes.',
    ]);
  });

  it('should answer 401 with the usual error body to a route added without an access rule, and never run its handler', async () => {
    handlerCalls.length = 0;
    for (const call of [
      request(app.getHttpServer()).get('/access-test'),
      request(app.getHttpServer()).post('/access-test/42').send({ name: 'x' }),
    ]) {
      const res = await call.expect(401);
      expect(res.body).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: SIGN_IN_NEEDED,
        requestId: expect.stringMatching(UUID),
      });
      expect(res.headers['x-request-id']).toBe(res.body.requestId);
    }
    expect(handlerCalls).toEqual([]);
  });

  it('should answer 404, not 401, for a path that no route serves', async () => {
    const res = await request(app.getHttpServer()).get('/no-such-route').expect(404);
    expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });

  it('should not refuse any reviewed public route to an anonymous caller', async () => {
    for (const route of routes.filter(
      (candidate) => candidate.isPublic && !TEST_ONLY_CONTROLLERS.includes(candidate.controller),
    )) {
      const res = await anonymousCall(app, route);
      expect(res.status, `${route.name}: ${res.text}`).not.toBe(401);
    }
    // The anonymous POST /track above was refused for its body, not stored.
    const [{ count }] = await dataSourceOf(app).query(
      'SELECT count(*)::int AS count FROM page_views',
    );
    expect(count).toBe(0);
  });

  it('should store an event sent to /track and answer its CORS preflight without signing in', async () => {
    await request(app.getHttpServer())
      .options('/track')
      .set('Origin', 'https://blog.example.com')
      .set('Access-Control-Request-Method', 'POST')
      .expect(204);
    const site = await makeSite(dataSourceOf(app));
    await request(app.getHttpServer())
      .post('/track')
      .set('User-Agent', CHROME_UA)
      .send(makeEvent(site.id))
      .expect(202);
    expect(await countRows(dataSourceOf(app), site.id)).toEqual({
      visitors: 1,
      sessions: 1,
      pageViews: 1,
    });
  });
});

/** Fills a route's path for a caller: the account and site it names, any other id made up. */
function pathFor(route: DiscoveredRoute, ids: { accountId: string; siteId: string }): string {
  return concretePath(
    route.path.replace(':accountId', ids.accountId).replace(':siteId', ids.siteId),
  );
}

function callAs(
  app: NestExpressApplication,
  route: DiscoveredRoute,
  path: string,
  credentials: { cookie?: string; apiKey?: string },
): request.Test {
  const agent = request(app.getHttpServer());
  const withCookie = (test: request.Test) =>
    credentials.apiKey
      ? test.set('Authorization', `Bearer ${credentials.apiKey}`)
      : test.set('Cookie', credentials.cookie ?? '');
  switch (route.method) {
    case 'GET':
      return withCookie(agent.get(path));
    case 'POST':
      return withCookie(agent.post(path)).send({});
    case 'PUT':
      return withCookie(agent.put(path)).send({});
    case 'PATCH':
      return withCookie(agent.patch(path)).send({});
    case 'DELETE':
      return withCookie(agent.delete(path));
    default:
      throw new Error(`Teach this test to call ${route.name}.`);
  }
}

describe('access: one account never reaches another', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let routes: DiscoveredRoute[];

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({ databaseUrl: db.url, extra: { imports: [DiscoveryModule] } });
    routes = discoverRoutes(app);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('should scope every route whose path names an account or a site to that account or site', () => {
    const problems = routes.flatMap((route) => {
      const kind = route.rule && 'role' in route.rule ? route.rule.kind : null;
      if (route.path.includes(':siteId') && kind !== 'site') {
        return [`${route.name} names a site but is not declared @SiteAccess`];
      }
      if (route.path.includes(':accountId') && kind !== 'account') {
        return [`${route.name} names an account but is not declared @AccountAccess`];
      }
      if (
        (kind === 'site' && !route.path.includes(':siteId')) ||
        (kind === 'account' && !route.path.includes(':accountId'))
      ) {
        return [`${route.name} is declared ${kind}-scoped but its path has no :${kind}Id`];
      }
      return [];
    });
    expect(problems).toEqual([]);
  });

  it("should answer 404 on every account- and site-scoped route to an owner or a full key of another account, and never run the handler's change", async () => {
    const dataSource = dataSourceOf(app);
    const site = await makeSite(dataSource, { name: 'Private site' });
    const other = await makeSite(dataSource);
    const stranger = await signedInUser(app, { accountId: other.accountId, role: 'owner' });
    const { key } = await app.get(ApiKeysService).create({
      accountId: other.accountId,
      name: 'Other account, full scope',
      scope: 'full',
      createdBy: null,
    });
    const scoped = routes.filter((route) => route.rule && 'role' in route.rule);
    // The sites, members, invitations, keys and audit log of an account, and a site's goals and
    // stats: not a vacuous check.
    expect(scoped.length).toBeGreaterThanOrEqual(30);
    for (const path of [
      'stats/summary',
      'stats/breakdown/:dimension',
      'stats/export/:kind',
      'goals',
    ]) {
      expect(scoped.map((route) => route.path)).toContain(`/api/sites/:siteId/${path}`);
    }
    for (const credentials of [{ cookie: stranger.cookie }, { apiKey: key }]) {
      const answers: string[] = [];
      for (const route of scoped) {
        const res = await callAs(
          app,
          route,
          pathFor(route, { accountId: site.accountId, siteId: site.id }),
          credentials,
        );
        answers.push(`${route.name} ${res.status}`);
      }
      expect(answers).toEqual(scoped.map((route) => `${route.name} 404`));
    }
    const [{ name }] = await dataSource.query('SELECT name FROM sites WHERE id = $1', [site.id]);
    expect(name).toBe('Private site');
  });
});
