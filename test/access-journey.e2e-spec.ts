import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { AuditService } from '../src/audit/audit.service.js';
import { cookiePair } from './utils/auth.js';
import { findSecrets } from './utils/secrets.js';
import { createTestApp, dataSourceOf } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

const OWNER_PASSWORD = 'correct horse battery staple owner';
const NEW_OWNER_PASSWORD = 'a different long passphrase for ann';
const MEMBER_PASSWORD = 'bob chose this long passphrase too';

/**
 * The whole access layer through its HTTP API only, as a site owner and a colleague use it: the
 * first sign-up, a site, an API key, an invitation, a role change, a password change, sign-ins and
 * sign-outs. Afterwards the audit log holds each of these, and no password, key, cookie token or
 * invitation token is in any column of any table.
 */
describe('accounts and access, end to end through the API', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({ databaseUrl: db.url, env: { REGISTRATION: 'first' } });
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('should record every step in the audit log and keep no secret in any table', async () => {
    const http = () => request(app.getHttpServer());
    const secrets: string[] = [OWNER_PASSWORD, NEW_OWNER_PASSWORD, MEMBER_PASSWORD];

    const signUp = await http()
      .post('/api/auth/sign-up')
      .send({ email: 'ann@example.com', name: 'Ann', password: OWNER_PASSWORD })
      .expect(201);
    const ann = cookiePair(signUp.headers['set-cookie']);
    secrets.push(ann.split('=')[1]);
    const session = await http().get('/api/auth/session').set('Cookie', ann).expect(200);
    expect(session.body.memberships).toHaveLength(1);
    const accountId: string = session.body.memberships[0].accountId;
    expect(session.body.memberships[0].role).toBe('owner');

    const site = await http()
      .post(`/api/accounts/${accountId}/sites`)
      .set('Cookie', ann)
      .send({ name: 'Blog', domain: 'blog.example.com', timezone: 'Europe/Berlin' })
      .expect(201);
    const siteId: string = site.body.id;

    const created = await http()
      .post(`/api/accounts/${accountId}/api-keys`)
      .set('Cookie', ann)
      .send({ name: 'CI', scope: 'stats:read' })
      .expect(201);
    const key: string = created.body.key;
    secrets.push(key, key.slice(4));
    await http()
      .get(`/api/sites/${siteId}/installation`)
      .set('Authorization', `Bearer ${key}`)
      .expect(200);

    const invitation = await http()
      .post(`/api/accounts/${accountId}/invitations`)
      .set('Cookie', ann)
      .send({ email: 'bob@example.com', role: 'viewer' })
      .expect(201);
    const token = new URL(invitation.body.link as string).hash.replace('#token=', '');
    secrets.push(token);
    const accepted = await http()
      .post('/api/invitations/accept')
      .send({ token, name: 'Bob', password: MEMBER_PASSWORD })
      .expect(201);
    const bob = cookiePair(accepted.headers['set-cookie']);
    secrets.push(bob.split('=')[1]);
    const bobSession = await http().get('/api/auth/session').set('Cookie', bob).expect(200);
    const bobId: string = bobSession.body.user.id;

    await http()
      .patch(`/api/accounts/${accountId}/members/${bobId}`)
      .set('Cookie', ann)
      .send({ role: 'admin' })
      .expect(200);
    await http()
      .post('/api/auth/password')
      .set('Cookie', ann)
      .send({ currentPassword: OWNER_PASSWORD, newPassword: NEW_OWNER_PASSWORD })
      .expect(204);
    await http()
      .post('/api/auth/sign-in')
      .send({ email: 'ann@example.com', password: OWNER_PASSWORD })
      .expect(401);
    const signIn = await http()
      .post('/api/auth/sign-in')
      .send({ email: 'ann@example.com', password: NEW_OWNER_PASSWORD })
      .expect(200);
    secrets.push(cookiePair(signIn.headers['set-cookie']).split('=')[1]);
    await http()
      .delete(`/api/accounts/${accountId}/api-keys/${created.body.id}`)
      .set('Cookie', ann)
      .expect(204);
    await http()
      .get(`/api/sites/${siteId}/installation`)
      .set('Authorization', `Bearer ${key}`)
      .expect(401);
    await http().post('/api/auth/sign-out').set('Cookie', bob).expect(204);
    await http().get('/api/auth/session').set('Cookie', bob).expect(401);

    await app.get(AuditService).flush();
    const log = await http()
      .get(`/api/accounts/${accountId}/audit-log?limit=200`)
      .set('Cookie', ann)
      .expect(200);
    const actions = new Set(
      (log.body.entries as { action: string }[]).map((entry) => entry.action),
    );
    for (const action of [
      'site.created',
      'site.data_read',
      'api_key.created',
      'api_key.revoked',
      'invitation.created',
      'invitation.accepted',
      'member.role_changed',
    ]) {
      expect(actions, action).toContain(action);
    }
    const activity = await http().get('/api/auth/activity').set('Cookie', ann).expect(200);
    const own = new Set(
      (activity.body.entries as { action: string }[]).map((entry) => entry.action),
    );
    for (const action of [
      'auth.sign_up',
      'auth.password_changed',
      'auth.sign_in_failed',
      'auth.sign_in',
    ]) {
      expect(own, action).toContain(action);
    }
    // Bob reviews his own sign-out.
    const bobAgain = await http()
      .post('/api/auth/sign-in')
      .send({ email: 'bob@example.com', password: MEMBER_PASSWORD })
      .expect(200);
    const bobActivity = await http()
      .get('/api/auth/activity')
      .set('Cookie', cookiePair(bobAgain.headers['set-cookie']))
      .expect(200);
    expect(
      (bobActivity.body.entries as { action: string }[]).map((entry) => entry.action),
    ).toContain('auth.sign_out');

    expect(await findSecrets(dataSourceOf(app), secrets)).toEqual([]);
  });
});
