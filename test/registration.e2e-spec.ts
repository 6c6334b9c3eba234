import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { SIGN_UP_NEEDS_INVITATION } from '../src/auth-flows/sign-in.service.js';
import { UsersService } from '../src/users/users.service.js';
import { cookiePair } from './utils/auth.js';
import { makeSite } from './utils/factories.js';
import { createTestApp, dataSourceOf } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

const PASSWORD = 'plum kettle orbit lantern 42';

interface MembershipRow {
  account_id: string;
  user_id: string;
  role: string;
}

async function memberships(app: NestExpressApplication): Promise<MembershipRow[]> {
  return dataSourceOf(app).query(
    'SELECT account_id, user_id, role FROM memberships ORDER BY account_id, user_id',
  );
}

/** An app of its own (and a database of its own) with REGISTRATION=`policy`. */
function appWith(policy: string) {
  const context: { db?: TestDatabase; app?: NestExpressApplication } = {};
  beforeAll(async () => {
    context.db = await createTestDatabase();
    context.app = await createTestApp({
      databaseUrl: context.db.url,
      env: { REGISTRATION: policy, AUTH_MAX_ATTEMPTS_PER_ADDRESS: '100000' },
    });
  });
  afterAll(async () => {
    await context.app?.close();
    await context.db?.drop();
  });
  return context as { db: TestDatabase; app: NestExpressApplication };
}

const signUp = (app: NestExpressApplication, body: object) =>
  request(app.getHttpServer()).post('/api/auth/sign-up').send(body);

describe('REGISTRATION=first (the default)', () => {
  const context = appWith('first');

  it('should let the first user sign up, take over the passwordless owner of that address and own every account without an owner; then refuse sign-up', async () => {
    const { app } = context;
    const dataSource = dataSourceOf(app);
    await request(app.getHttpServer())
      .get('/api/auth/registration')
      .expect(200, { policy: 'first', signUpOpen: true });

    // The demo account and a CLI-made account have no owner; a third one was made with
    // `sites create --owner-email owner@example.com` (a user without a password).
    const demo = await makeSite(dataSource, { name: 'Demo' });
    const cliMade = await makeSite(dataSource, { name: 'Blog' });
    const owned = await makeSite(dataSource, { name: 'Shop' });
    const owner = await dataSource.transaction((em) =>
      app.get(UsersService).ensureOwner(em, owned.accountId, 'owner@example.com'),
    );

    const refused = await signUp(app, {
      email: 'owner@example.com',
      password: '123456789987654321',
    }).expect(400);
    expect(refused.body.message).toMatch(/commonly used/);

    const res = await signUp(app, {
      email: 'Owner@Example.com',
      name: 'Olga',
      password: PASSWORD,
    }).expect(201);
    expect(res.body.user).toEqual({ id: owner.id, email: 'owner@example.com', name: 'Olga' });
    const cookie = cookiePair(res.headers['set-cookie']);
    await request(app.getHttpServer()).get('/api/auth/session').set('Cookie', cookie).expect(200);
    expect(await memberships(app)).toEqual(
      [demo.accountId, cliMade.accountId, owned.accountId]
        .sort()
        .map((accountId) => ({ account_id: accountId, user_id: owner.id, role: 'owner' })),
    );
    expect(res.body.memberships).toHaveLength(3);
    const [{ count }] = await dataSource.query('SELECT count(*)::int AS count FROM accounts');
    expect(count).toBe(3);

    await request(app.getHttpServer())
      .get('/api/auth/registration')
      .expect(200, { policy: 'first', signUpOpen: false });
    const second = await signUp(app, { email: 'second@example.com', password: PASSWORD }).expect(
      403,
    );
    expect(second.body.message).toBe(SIGN_UP_NEEDS_INVITATION);
    // Not even the address of an existing passwordless user may be claimed any more.
    await dataSource.transaction((em) =>
      app.get(UsersService).ensureOwner(em, cliMade.accountId, 'late@example.com'),
    );
    await signUp(app, { email: 'late@example.com', password: PASSWORD }).expect(403);
    const rows = await dataSource.query(
      "SELECT email FROM users WHERE password_hash IS NOT NULL OR email = 'second@example.com'",
    );
    expect(rows).toEqual([{ email: 'owner@example.com' }]);
  });
});

describe('REGISTRATION=first, several first sign-ups at once', () => {
  const context = appWith('first');

  it('should let exactly one of them in, who owns a new account when there is none', async () => {
    const { app } = context;
    const results = await Promise.all(
      [1, 2, 3, 4].map((n) => signUp(app, { email: `racer${n}@example.com`, password: PASSWORD })),
    );
    expect(results.map((res) => res.status).sort()).toEqual([201, 403, 403, 403]);
    const winner = results.find((res) => res.status === 201)!;
    const users = await dataSourceOf(app).query(
      'SELECT id FROM users WHERE password_hash IS NOT NULL',
    );
    expect(users).toEqual([{ id: winner.body.user.id }]);
    const accounts = await dataSourceOf(app).query('SELECT id, name FROM accounts');
    expect(accounts).toEqual([{ id: expect.any(String), name: winner.body.user.email }]);
    expect(await memberships(app)).toEqual([
      { account_id: accounts[0].id, user_id: winner.body.user.id, role: 'owner' },
    ]);
  });
});

describe('REGISTRATION=invite', () => {
  const context = appWith('invite');

  it('should refuse every sign-up, the first one too, storing nothing', async () => {
    const { app } = context;
    await request(app.getHttpServer())
      .get('/api/auth/registration')
      .expect(200, { policy: 'invite', signUpOpen: false });
    const res = await signUp(app, { email: 'first@example.com', password: PASSWORD }).expect(403);
    expect(res.body.message).toBe(SIGN_UP_NEEDS_INVITATION);
    expect(res.headers['set-cookie']).toBeUndefined();
    const [{ count }] = await dataSourceOf(app).query('SELECT count(*)::int AS count FROM users');
    expect(count).toBe(0);
  });
});

describe('REGISTRATION=open', () => {
  const context = appWith('open');

  it('should give each new user an account of their own, and refuse an address in use with 409 without taking it over', async () => {
    const { app } = context;
    const dataSource = dataSourceOf(app);
    await request(app.getHttpServer())
      .get('/api/auth/registration')
      .expect(200, { policy: 'open', signUpOpen: true });
    const demo = await makeSite(dataSource, { name: 'Demo' });

    const ann = await signUp(app, {
      email: 'ann@example.com',
      name: 'Ann',
      password: PASSWORD,
    }).expect(201);
    const bob = await signUp(app, { email: 'bob@example.com', password: PASSWORD }).expect(201);
    expect(ann.body.memberships).toEqual([
      { accountId: expect.any(String), accountName: 'Ann', role: 'owner' },
    ]);
    expect(bob.body.memberships).toEqual([
      { accountId: expect.any(String), accountName: 'bob@example.com', role: 'owner' },
    ]);
    expect(ann.body.memberships[0].accountId).not.toBe(bob.body.memberships[0].accountId);
    // The demo account is nobody's: strangers do not get it.
    const demoMembers = await dataSource.query(
      'SELECT user_id FROM memberships WHERE account_id = $1',
      [demo.accountId],
    );
    expect(demoMembers).toEqual([]);

    const taken = await signUp(app, { email: 'ANN@example.com', password: PASSWORD }).expect(409);
    expect(taken.body.message).toMatch(/already exists; sign in instead/);

    // An owner named by the CLI, without a password: nobody can claim the address by signing up.
    const passwordless = await dataSource.transaction((em) =>
      app.get(UsersService).ensureOwner(em, demo.accountId, 'owner@example.com'),
    );
    await signUp(app, { email: 'owner@example.com', password: PASSWORD }).expect(409);
    const [row] = await dataSource.query('SELECT password_hash FROM users WHERE id = $1', [
      passwordless.id,
    ]);
    expect(row.password_hash).toBeNull();
    const [{ count }] = await dataSource.query('SELECT count(*)::int AS count FROM accounts');
    expect(count).toBe(3);
  });
});
