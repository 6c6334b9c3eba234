import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { AuditService } from '../src/audit/audit.service.js';
import type { MembershipRole } from '../src/users/entities/membership.entity.js';
import { type SignedInUser, signedInUser } from './utils/auth.js';
import { createTestApp, dataSourceOf } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

const MISSING_UUID = '00000000-0000-4000-8000-000000000000';

describe('accounts and members: roles, role changes, removal and the last owner', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let audit: ReturnType<typeof vi.spyOn>;

  const http = () => request(app.getHttpServer());

  /** A new account made through the API by a new user, its owner. */
  async function newAccount(name = 'Acme'): Promise<{ accountId: string; owner: SignedInUser }> {
    const owner = await signedInUser(app);
    const res = await http().post('/api/accounts').set('Cookie', owner.cookie).send({ name });
    expect(res.status).toBe(201);
    return { accountId: res.body.id, owner };
  }

  const member = (accountId: string, role: MembershipRole) =>
    signedInUser(app, { accountId, role });

  async function roleInDb(accountId: string, userId: string): Promise<string | null> {
    const [row] = await dataSourceOf(app).query(
      'SELECT role FROM memberships WHERE account_id = $1 AND user_id = $2',
      [accountId, userId],
    );
    return row?.role ?? null;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({ databaseUrl: db.url });
    audit = vi.spyOn(app.get(AuditService), 'record').mockImplementation(() => undefined);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  beforeEach(() => audit.mockClear());

  it('should create an account whose creator is its owner, list it, read it and let an admin rename it', async () => {
    const owner = await signedInUser(app);
    const created = await http()
      .post('/api/accounts')
      .set('Cookie', owner.cookie)
      .send({ name: '  Example Ltd  ' })
      .expect(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name: 'Example Ltd',
      role: 'owner',
      createdAt: expect.any(String),
    });
    const accountId = created.body.id;
    expect(await roleInDb(accountId, owner.userId)).toBe('owner');
    expect(audit).toHaveBeenCalledWith(
      expect.objectContaining({
        action: 'account.created',
        accountId,
        actor: expect.objectContaining({ userId: owner.userId }),
      }),
    );

    const list = await http().get('/api/accounts').set('Cookie', owner.cookie).expect(200);
    expect(list.body).toEqual([created.body]);

    const viewer = await member(accountId, 'viewer');
    const read = await http().get(`/api/accounts/${accountId}`).set('Cookie', viewer.cookie);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: accountId, name: 'Example Ltd', role: 'viewer' });
    await http()
      .patch(`/api/accounts/${accountId}`)
      .set('Cookie', viewer.cookie)
      .send({ name: 'Taken over' })
      .expect(403);

    const admin = await member(accountId, 'admin');
    const renamed = await http()
      .patch(`/api/accounts/${accountId}`)
      .set('Cookie', admin.cookie)
      .send({ name: 'Example Group' })
      .expect(200);
    expect(renamed.body).toMatchObject({ id: accountId, name: 'Example Group', role: 'admin' });
    const [row] = await dataSourceOf(app).query('SELECT name FROM accounts WHERE id = $1', [
      accountId,
    ]);
    expect(row.name).toBe('Example Group');
    expect(audit).toHaveBeenCalledWith(
      expect.objectContaining({
        action: 'account.updated',
        accountId,
        actor: expect.objectContaining({ userId: admin.userId }),
        details: { fields: ['name'] },
      }),
    );

    const blank = await http()
      .post('/api/accounts')
      .set('Cookie', owner.cookie)
      .send({ name: '   ' })
      .expect(400);
    expect(blank.body.message).toEqual(['name is required and must not be empty or blank']);
    await http()
      .post('/api/accounts')
      .set('Cookie', owner.cookie)
      .send({ name: 'x'.repeat(201) })
      .expect(400);
    await http()
      .post('/api/accounts')
      .set('Cookie', owner.cookie)
      .send({ name: 'Extra', plan: 'gold' })
      .expect(400);
  });

  it('should list the members with e-mail, name, role and when they joined', async () => {
    const { accountId, owner } = await newAccount();
    const viewer = await member(accountId, 'viewer');
    const res = await http()
      .get(`/api/accounts/${accountId}/members`)
      .set('Cookie', viewer.cookie)
      .expect(200);
    expect(res.body).toEqual([
      {
        userId: owner.userId,
        email: owner.email,
        name: null,
        role: 'owner',
        joinedAt: expect.any(String),
      },
      {
        userId: viewer.userId,
        email: viewer.email,
        name: null,
        role: 'viewer',
        joinedAt: expect.any(String),
      },
    ]);
  });

  it('should let admins change roles below owner, and only owners give or take the owner role', async () => {
    const { accountId, owner } = await newAccount();
    const admin = await member(accountId, 'admin');
    const viewer = await member(accountId, 'viewer');
    const patch = (by: SignedInUser, userId: string, role: string) =>
      http()
        .patch(`/api/accounts/${accountId}/members/${userId}`)
        .set('Cookie', by.cookie)
        .send({ role });

    const promoted = await patch(admin, viewer.userId, 'admin').expect(200);
    expect(promoted.body).toMatchObject({ userId: viewer.userId, role: 'admin' });
    expect(await roleInDb(accountId, viewer.userId)).toBe('admin');
    expect(audit).toHaveBeenCalledWith(
      expect.objectContaining({
        action: 'member.role_changed',
        accountId,
        actor: expect.objectContaining({ userId: admin.userId }),
        target: { type: 'user', id: viewer.userId },
        details: { from: 'viewer', to: 'admin' },
      }),
    );

    const toOwner = await patch(admin, viewer.userId, 'owner').expect(403);
    expect(toOwner.body.message).toMatch(/Only an owner may make someone an owner/);
    const ownerDemoted = await patch(admin, owner.userId, 'viewer').expect(403);
    expect(ownerDemoted.body.message).toMatch(/Only an owner may change an owner's role/);
    expect(await roleInDb(accountId, owner.userId)).toBe('owner');
    expect(await roleInDb(accountId, viewer.userId)).toBe('admin');

    await patch(owner, admin.userId, 'owner').expect(200);
    expect(await roleInDb(accountId, admin.userId)).toBe('owner');

    const bad = await patch(owner, viewer.userId, 'superuser').expect(400);
    expect(bad.body.message).toEqual(['role must be one of: owner, admin, viewer']);
    await patch(owner, viewer.userId, 'viewer').expect(200);
    const lowered = await member(accountId, 'viewer');
    await patch(lowered, viewer.userId, 'admin').expect(403);
  });

  it('should never demote or remove the last owner (409), but should once another owner exists', async () => {
    const { accountId, owner } = await newAccount();
    const other = await member(accountId, 'admin');
    const demote = await http()
      .patch(`/api/accounts/${accountId}/members/${owner.userId}`)
      .set('Cookie', owner.cookie)
      .send({ role: 'admin' })
      .expect(409);
    expect(demote.body.message).toMatch(/last owner.*make someone else owner first/);
    const leave = await http()
      .delete(`/api/accounts/${accountId}/members/${owner.userId}`)
      .set('Cookie', owner.cookie)
      .expect(409);
    expect(leave.body.message).toMatch(/make someone else owner first/);
    expect(await roleInDb(accountId, owner.userId)).toBe('owner');

    await http()
      .patch(`/api/accounts/${accountId}/members/${other.userId}`)
      .set('Cookie', owner.cookie)
      .send({ role: 'owner' })
      .expect(200);
    await http()
      .patch(`/api/accounts/${accountId}/members/${owner.userId}`)
      .set('Cookie', owner.cookie)
      .send({ role: 'admin' })
      .expect(200);
    expect(await roleInDb(accountId, owner.userId)).toBe('admin');
    // The new last owner is kept just the same.
    await http()
      .delete(`/api/accounts/${accountId}/members/${other.userId}`)
      .set('Cookie', other.cookie)
      .expect(409);
    await http()
      .patch(`/api/accounts/${accountId}/members/${owner.userId}`)
      .set('Cookie', other.cookie)
      .send({ role: 'owner' })
      .expect(200);
    await http()
      .delete(`/api/accounts/${accountId}/members/${other.userId}`)
      .set('Cookie', other.cookie)
      .expect(204);
    expect(await roleInDb(accountId, other.userId)).toBeNull();
  });

  it('should keep one owner when two owners demote each other at the same moment', async () => {
    const { accountId, owner } = await newAccount();
    const second = await member(accountId, 'owner');
    // Hold the account's membership rows until both requests wait for them, then let them race.
    const holder = dataSourceOf(app).createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    await holder.query('SELECT user_id FROM memberships WHERE account_id = $1 FOR UPDATE', [
      accountId,
    ]);
    const pending = [
      [owner, second],
      [second, owner],
    ].map(([by, target]) =>
      http()
        .patch(`/api/accounts/${accountId}/members/${target.userId}`)
        .set('Cookie', by.cookie)
        .send({ role: 'viewer' })
        .then((res) => res),
    );
    try {
      await expect
        .poll(
          async () =>
            (
              await dataSourceOf(app).query(
                "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'SELECT user_id, role FROM memberships%'",
              )
            )[0].n,
          { timeout: 5000 },
        )
        .toBe(2);
    } finally {
      await holder.commitTransaction();
      await holder.release();
    }
    const statuses = (await Promise.all(pending)).map((res) => res.status).sort();
    // The second sees the first's change: its caller is no longer an owner (403).
    expect(statuses).toEqual([200, 403]);
    const owners = await dataSourceOf(app).query(
      "SELECT user_id FROM memberships WHERE account_id = $1 AND role = 'owner'",
      [accountId],
    );
    expect(owners).toHaveLength(1);
  });

  it('should let any member leave, admins remove members, and the removed lose access at once', async () => {
    const { accountId, owner } = await newAccount();
    const admin = await member(accountId, 'admin');
    const viewer = await member(accountId, 'viewer');
    const leaver = await member(accountId, 'viewer');
    const remove = (by: SignedInUser, userId: string) =>
      http().delete(`/api/accounts/${accountId}/members/${userId}`).set('Cookie', by.cookie);

    const notAllowed = await remove(viewer, admin.userId).expect(403);
    expect(notAllowed.body.message).toMatch(/You may remove yourself/);
    await remove(admin, owner.userId).expect(403);

    await remove(leaver, leaver.userId).expect(204);
    expect(audit).toHaveBeenCalledWith(
      expect.objectContaining({
        action: 'member.removed',
        accountId,
        target: { type: 'user', id: leaver.userId },
        details: { role: 'viewer', left: true },
      }),
    );
    await http().get(`/api/accounts/${accountId}`).set('Cookie', leaver.cookie).expect(404);

    await http().get(`/api/accounts/${accountId}`).set('Cookie', viewer.cookie).expect(200);
    await remove(admin, viewer.userId).expect(204);
    expect(await roleInDb(accountId, viewer.userId)).toBeNull();
    await http().get(`/api/accounts/${accountId}`).set('Cookie', viewer.cookie).expect(404);
    await http().get(`/api/accounts/${accountId}/members`).set('Cookie', viewer.cookie).expect(404);
    const list = await http().get('/api/accounts').set('Cookie', viewer.cookie).expect(200);
    expect(list.body).toEqual([]);

    await remove(owner, admin.userId).expect(204);
    await http().get(`/api/accounts/${accountId}`).set('Cookie', admin.cookie).expect(404);
  });

  it('should answer 404 for a user id that is not a member of the account', async () => {
    const { accountId, owner } = await newAccount();
    const { owner: stranger } = await newAccount('Elsewhere');
    for (const userId of [stranger.userId, MISSING_UUID, 'not-a-uuid']) {
      const patched = await http()
        .patch(`/api/accounts/${accountId}/members/${userId}`)
        .set('Cookie', owner.cookie)
        .send({ role: 'viewer' })
        .expect(404);
      expect(patched.body.message).toMatch(/not a member of this account/);
      await http()
        .delete(`/api/accounts/${accountId}/members/${userId}`)
        .set('Cookie', owner.cookie)
        .expect(404);
    }
  });

  it("should answer 404 to another account's member on every account and member route, and 403 to a viewer on admin routes", async () => {
    const { accountId, owner } = await newAccount();
    const viewer = await member(accountId, 'viewer');
    const { owner: outsider } = await newAccount('Other');
    const routes = [
      () => http().get(`/api/accounts/${accountId}`),
      () => http().patch(`/api/accounts/${accountId}`).send({ name: 'Mine now' }),
      () => http().get(`/api/accounts/${accountId}/members`),
      () =>
        http().patch(`/api/accounts/${accountId}/members/${owner.userId}`).send({ role: 'viewer' }),
      () => http().delete(`/api/accounts/${accountId}/members/${owner.userId}`),
      () => http().delete(`/api/accounts/${accountId}/members/${viewer.userId}`),
    ];
    for (const [index, call] of routes.entries()) {
      const res = await call().set('Cookie', outsider.cookie);
      expect(res.status, `route ${index}`).toBe(404);
      expect(res.body.message).toBe('Account not found.');
    }
    await http().get(`/api/accounts/${MISSING_UUID}`).set('Cookie', outsider.cookie).expect(404);

    await http()
      .patch(`/api/accounts/${accountId}`)
      .set('Cookie', viewer.cookie)
      .send({ name: 'x' })
      .expect(403);
    await http()
      .patch(`/api/accounts/${accountId}/members/${viewer.userId}`)
      .set('Cookie', viewer.cookie)
      .send({ role: 'admin' })
      .expect(403);
    await http()
      .delete(`/api/accounts/${accountId}/members/${owner.userId}`)
      .set('Cookie', viewer.cookie)
      .expect(403);
    expect(await roleInDb(accountId, owner.userId)).toBe('owner');
    expect(await roleInDb(accountId, viewer.userId)).toBe('viewer');
    const [account] = await dataSourceOf(app).query('SELECT name FROM accounts WHERE id = $1', [
      accountId,
    ]);
    expect(account.name).toBe('Acme');
  });
});
