import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { AuditService } from '../src/audit/audit.service.js';
import { appConfig } from '../src/config/app.config.js';
import { INVITATION_NOT_FOUND } from '../src/invitations/invitations.service.js';
import { MailerService } from '../src/mail/mailer.service.js';
import { UsersService } from '../src/users/users.service.js';
import { cookiePair, type SignedInUser, signedInUser, startSession } from './utils/auth.js';
import { FakeClock } from './utils/fake-clock.js';
import { mailText, startSmtpServer, type TestSmtpServer } from './utils/smtp.js';
import { createTestApp, dataSourceOf } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

const DAY_MS = 86_400_000;
const PASSWORD = 'correct horse battery staple';
const LINK = /(http:\/\/\S+\/invitations\/accept#token=([A-Za-z0-9_-]{43}))/;

let counter = 0;
const address = (name: string) => `${name}-${process.pid}-${(counter += 1)}@example.com`;

/** Calls shared by both apps below. */
function helpers(getApp: () => NestExpressApplication) {
  const http = () => request(getApp().getHttpServer());

  async function newAccount(name = 'Acme'): Promise<{ accountId: string; owner: SignedInUser }> {
    const owner = await signedInUser(getApp());
    const res = await http().post('/api/accounts').set('Cookie', owner.cookie).send({ name });
    expect(res.status).toBe(201);
    return { accountId: res.body.id, owner };
  }

  const invite = (accountId: string, by: SignedInUser, email: string, role = 'viewer') =>
    http()
      .post(`/api/accounts/${accountId}/invitations`)
      .set('Cookie', by.cookie)
      .send({ email, role });

  async function roleInDb(accountId: string, userId: string): Promise<string | null> {
    const [row] = await dataSourceOf(getApp()).query(
      'SELECT role FROM memberships WHERE account_id = $1 AND user_id = $2',
      [accountId, userId],
    );
    return row?.role ?? null;
  }

  return { http, newAccount, invite, roleInDb };
}

describe('invitations e-mailed through SMTP_URL (a real SMTP server)', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let smtp: TestSmtpServer;
  let audit: ReturnType<typeof vi.spyOn>;
  const clock = new FakeClock(Date.parse('2026-12-01T12:00:00Z'));
  const { http, newAccount, invite, roleInDb } = helpers(() => app);

  /** Invites and returns the token from the mail the SMTP server received. */
  async function invitedToken(
    accountId: string,
    by: SignedInUser,
    email: string,
    role = 'viewer',
  ): Promise<{ id: string; token: string; link: string; mail: string }> {
    const res = await invite(accountId, by, email, role).expect(201);
    expect(res.body.emailed).toBe(true);
    expect(res.body).not.toHaveProperty('link');
    const mail = await smtp.waitFor(email.trim().toLowerCase());
    smtp.received.splice(smtp.received.indexOf(mail), 1);
    const text = mailText(mail.raw);
    const [, link, token] = LINK.exec(text) ?? [];
    expect(token, text).toBeDefined();
    return { id: res.body.id, token, link, mail: mail.raw };
  }

  beforeAll(async () => {
    smtp = await startSmtpServer();
    db = await createTestDatabase();
    app = await createTestApp({
      databaseUrl: db.url,
      clock,
      env: { SMTP_URL: smtp.url, REGISTRATION: 'first' },
    });
    audit = vi.spyOn(app.get(AuditService), 'record').mockImplementation(() => undefined);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
    await smtp?.close();
  });

  beforeEach(() => audit.mockClear());

  it('should e-mail the link, keep only its hash, and let a new user accept once, signed in by the answer', async () => {
    const { accountId, owner } = await newAccount('Example Ltd');
    await dataSourceOf(app).query('UPDATE users SET name = $2 WHERE id = $1', [
      owner.userId,
      'Olivia Owner',
    ]);
    const email = address('ann');
    const { id, token, link, mail } = await invitedToken(
      accountId,
      owner,
      `  ${email.toUpperCase()} `,
      'admin',
    );
    expect(link).toBe(`${app.get(appConfig.KEY).publicUrl}/invitations/accept#token=${token}`);
    expect(mail).toMatch(/^Subject: Olivia Owner invited you to Example Ltd on Trackveil/m);
    expect(mailText(mail)).toContain('"Example Ltd"');
    expect(audit).toHaveBeenCalledWith(
      expect.objectContaining({
        action: 'invitation.created',
        accountId,
        target: { type: 'invitation', id },
        details: { email, role: 'admin', emailed: true },
      }),
    );

    // Every column of the row, as text: the token is in none of them, its SHA-256 is the hash.
    const [stored] = await dataSourceOf(app).query(
      `SELECT row_to_json(i)::text AS json, encode(token_hash, 'hex') AS hash, email, role, invited_by
         FROM invitations i WHERE id = $1`,
      [id],
    );
    expect(stored.json).not.toContain(token);
    expect(stored.json).not.toContain(Buffer.from(token, 'base64url').toString('hex'));
    expect(stored.hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(stored).toMatchObject({ email, role: 'admin', invited_by: owner.userId });
    expect(JSON.stringify(audit.mock.calls)).not.toContain(token);

    const lookup = await http().post('/api/invitations/lookup').send({ token }).expect(200);
    expect(lookup.body).toEqual({
      accountName: 'Example Ltd',
      email,
      role: 'admin',
      expiresAt: new Date(clock.now().getTime() + 7 * DAY_MS).toISOString(),
      invitedBy: 'Olivia Owner',
      userExists: false,
    });

    const noPassword = await http().post('/api/invitations/accept').send({ token }).expect(400);
    expect(noPassword.body.message).toMatch(/choose a password/);
    const weak = await http()
      .post('/api/invitations/accept')
      .send({ token, password: 'short' })
      .expect(400);
    expect(weak.body.message).toMatch(/at least 15/);
    expect(await app.get(UsersService).findByEmail(email)).toBeNull();

    const accepted = await http()
      .post('/api/invitations/accept')
      .send({ token, name: 'Ann', password: PASSWORD })
      .expect(201);
    expect(accepted.body).toEqual({
      accountId,
      accountName: 'Example Ltd',
      role: 'admin',
      userId: expect.any(String),
      userCreated: true,
    });
    const userId = accepted.body.userId;
    expect(await roleInDb(accountId, userId)).toBe('admin');
    const [user] = await dataSourceOf(app).query(
      'SELECT email, name, password_hash FROM users WHERE id = $1',
      [userId],
    );
    expect(user).toMatchObject({ email, name: 'Ann' });
    expect(user.password_hash).toMatch(/^\$argon2id\$/);
    const [row] = await dataSourceOf(app).query(
      'SELECT accepted_at, accepted_by FROM invitations WHERE id = $1',
      [id],
    );
    expect(row).toEqual({ accepted_at: clock.now(), accepted_by: userId });
    expect(audit).toHaveBeenCalledWith(
      expect.objectContaining({
        action: 'invitation.accepted',
        accountId,
        actor: { type: 'user', userId },
        target: { type: 'invitation', id },
      }),
    );

    const cookie = cookiePair(accepted.headers['set-cookie']);
    const account = await http()
      .get(`/api/accounts/${accountId}`)
      .set('Cookie', cookie)
      .expect(200);
    expect(account.body.role).toBe('admin');

    const again = await http()
      .post('/api/invitations/accept')
      .send({ token, password: PASSWORD })
      .expect(404);
    expect(again.body.message).toBe(INVITATION_NOT_FOUND);
    await http().post('/api/invitations/accept').set('Cookie', cookie).send({ token }).expect(404);
    await http().post('/api/invitations/lookup').send({ token }).expect(404);
    const pending = await http()
      .get(`/api/accounts/${accountId}/invitations`)
      .set('Cookie', owner.cookie)
      .expect(200);
    expect(pending.body).toEqual([]);
  });

  it('should show the link to the inviter when the mail cannot be sent', async () => {
    const { accountId, owner } = await newAccount();
    const send = vi
      .spyOn(app.get(MailerService), 'send')
      .mockRejectedValueOnce(new Error('421 4.3.2 Service not available'));
    try {
      const email = address('bounced');
      const res = await invite(accountId, owner, email, 'viewer').expect(201);
      expect(send).toHaveBeenCalledTimes(1);
      expect(res.body).toMatchObject({ email, emailed: false, link: expect.stringMatching(LINK) });
      const [, , token] = LINK.exec(res.body.link)!;
      await http().post('/api/invitations/lookup').send({ token }).expect(200);
    } finally {
      send.mockRestore();
    }
  });

  it('should let a signed-in user with the invited address accept, and refuse another signed-in user (403)', async () => {
    const { accountId, owner } = await newAccount();
    const bob = await signedInUser(app, { email: address('bob'), password: PASSWORD });
    const eve = await signedInUser(app, { email: address('eve') });
    const { id, token } = await invitedToken(accountId, owner, bob.email, 'viewer');

    const lookup = await http().post('/api/invitations/lookup').send({ token }).expect(200);
    expect(lookup.body.userExists).toBe(true);
    const signInFirst = await http()
      .post('/api/invitations/accept')
      .send({ token, password: 'anything at all, long enough' })
      .expect(409);
    expect(signInFirst.body.message).toBe(
      `A user ${bob.email} already exists; sign in as ${bob.email} first, then accept the invitation.`,
    );

    const wrong = await http()
      .post('/api/invitations/accept')
      .set('Cookie', eve.cookie)
      .send({ token })
      .expect(403);
    expect(wrong.body.message).toContain(`sign in as ${bob.email}`);
    expect(await roleInDb(accountId, eve.userId)).toBeNull();

    const accepted = await http()
      .post('/api/invitations/accept')
      .set('Cookie', bob.cookie)
      .send({ token })
      .expect(201);
    expect(accepted.body).toMatchObject({ userId: bob.userId, role: 'viewer', userCreated: false });
    expect(await roleInDb(accountId, bob.userId)).toBe('viewer');
    const [row] = await dataSourceOf(app).query(
      'SELECT accepted_by FROM invitations WHERE id = $1',
      [id],
    );
    expect(row.accepted_by).toBe(bob.userId);
    await http().get(`/api/accounts/${accountId}`).set('Cookie', bob.cookie).expect(200);
  });

  it('should let a user made without a password set it by accepting, and sign them in', async () => {
    const { accountId, owner } = await newAccount();
    const email = address('cli');
    const user = await app.get(UsersService).create({ email });
    const { token } = await invitedToken(accountId, owner, email, 'admin');
    const accepted = await http()
      .post('/api/invitations/accept')
      .send({ token, password: PASSWORD })
      .expect(201);
    expect(accepted.body).toMatchObject({ userId: user.id, userCreated: false, role: 'admin' });
    expect(await app.get(UsersService).hasPassword(user.id)).toBe(true);
    const cookie = cookiePair(accepted.headers['set-cookie']);
    await http().get(`/api/accounts/${accountId}`).set('Cookie', cookie).expect(200);
  });

  it('should refuse an expired link, and a revoked one', async () => {
    const { accountId, owner } = await newAccount();
    const expired = await invitedToken(accountId, owner, address('late'));
    clock.advance(7 * DAY_MS + 1000);
    try {
      const lookup = await http()
        .post('/api/invitations/lookup')
        .send({ token: expired.token })
        .expect(404);
      expect(lookup.body.message).toBe(INVITATION_NOT_FOUND);
      await http()
        .post('/api/invitations/accept')
        .send({ token: expired.token, password: PASSWORD })
        .expect(404);
      const list = await http()
        .get(`/api/accounts/${accountId}/invitations`)
        .set('Cookie', owner.cookie)
        .expect(200);
      expect(list.body).toEqual([]);
    } finally {
      clock.advance(-(7 * DAY_MS + 1000));
    }

    const email = address('revoked');
    const revoked = await invitedToken(accountId, owner, email);
    await http()
      .delete(`/api/accounts/${accountId}/invitations/${revoked.id}`)
      .set('Cookie', owner.cookie)
      .expect(204);
    expect(audit).toHaveBeenCalledWith(
      expect.objectContaining({
        action: 'invitation.revoked',
        accountId,
        target: { type: 'invitation', id: revoked.id },
      }),
    );
    const [row] = await dataSourceOf(app).query(
      'SELECT revoked_at FROM invitations WHERE id = $1',
      [revoked.id],
    );
    expect(row.revoked_at).toEqual(clock.now());
    await http().post('/api/invitations/lookup').send({ token: revoked.token }).expect(404);
    await http()
      .post('/api/invitations/accept')
      .send({ token: revoked.token, password: PASSWORD })
      .expect(404);
    expect(await app.get(UsersService).findByEmail(email)).toBeNull();
    await http()
      .delete(`/api/accounts/${accountId}/invitations/${revoked.id}`)
      .set('Cookie', owner.cookie)
      .expect(404);
  });

  it('should replace a pending invitation for the same address, and refuse to invite a member (409)', async () => {
    const { accountId, owner } = await newAccount();
    const email = address('twice');
    const first = await invitedToken(accountId, owner, email, 'viewer');
    const second = await invitedToken(accountId, owner, email, 'admin');
    await http().post('/api/invitations/lookup').send({ token: first.token }).expect(404);
    const list = await http()
      .get(`/api/accounts/${accountId}/invitations`)
      .set('Cookie', owner.cookie)
      .expect(200);
    expect(list.body).toEqual([
      {
        id: second.id,
        email,
        role: 'admin',
        createdAt: clock.now().toISOString(),
        expiresAt: new Date(clock.now().getTime() + 7 * DAY_MS).toISOString(),
        invitedBy: owner.email,
      },
    ]);
    expect(JSON.stringify(list.body)).not.toContain(second.token);

    const viewer = await signedInUser(app, { accountId, role: 'viewer' });
    const taken = await invite(accountId, owner, viewer.email).expect(409);
    expect(taken.body.message).toMatch(/already a member of this account/);
  });

  it('should answer 409 to accepting when already a member, leaving the invitation pending', async () => {
    const { accountId, owner } = await newAccount();
    const dana = await signedInUser(app, { email: address('dana') });
    const { id, token } = await invitedToken(accountId, owner, dana.email, 'admin');
    await app.get(UsersService).addMember(accountId, dana.userId, 'viewer');
    const res = await http()
      .post('/api/invitations/accept')
      .set('Cookie', dana.cookie)
      .send({ token })
      .expect(409);
    expect(res.body.message).toMatch(/already a member/);
    expect(await roleInDb(accountId, dana.userId)).toBe('viewer');
    const [row] = await dataSourceOf(app).query(
      'SELECT accepted_at FROM invitations WHERE id = $1',
      [id],
    );
    expect(row.accepted_at).toBeNull();
  });

  it('should let a link be used once when two requests accept it at the same moment', async () => {
    const { accountId, owner } = await newAccount();
    const fay = await signedInUser(app, { email: address('fay') });
    const other = await startSession(app, fay.userId);
    const { id, token } = await invitedToken(accountId, owner, fay.email, 'admin');
    // Hold the invitation's row until both requests have passed their checks and wait on it.
    const holder = dataSourceOf(app).createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    await holder.query('SELECT id FROM invitations WHERE id = $1 FOR UPDATE', [id]);
    const pending = [fay.cookie, other.cookie].map((cookie) =>
      http()
        .post('/api/invitations/accept')
        .set('Cookie', cookie)
        .send({ token })
        .then((res) => res),
    );
    try {
      await expect
        .poll(
          async () =>
            (
              await dataSourceOf(app).query(
                "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE invitations SET accepted_at%'",
              )
            )[0].n,
          { timeout: 5000 },
        )
        .toBe(2);
    } finally {
      await holder.commitTransaction();
      await holder.release();
    }
    const results = await Promise.all(pending);
    // The second passed every check, then found the invitation used: the guarded UPDATE said so.
    expect(results.map((res) => res.status).sort()).toEqual([201, 404]);
    const [row] = await dataSourceOf(app).query(
      'SELECT count(*)::int AS n FROM invitations WHERE account_id = $1 AND accepted_at IS NOT NULL',
      [accountId],
    );
    expect(row.n).toBe(1);
    expect(await roleInDb(accountId, fay.userId)).toBe('admin');
  });

  it('should let only owners invite owners, and refuse viewers on the admin routes (403)', async () => {
    const { accountId, owner } = await newAccount();
    const admin = await signedInUser(app, { accountId, role: 'admin' });
    const viewer = await signedInUser(app, { accountId, role: 'viewer' });
    const refused = await invite(accountId, admin, address('boss'), 'owner').expect(403);
    expect(refused.body.message).toMatch(/Only an owner may invite an owner/);
    const { token } = await invitedToken(accountId, owner, address('boss'), 'owner');
    await http().post('/api/invitations/lookup').send({ token }).expect(200);

    const pending = await invitedToken(accountId, admin, address('helper'), 'admin');
    await invite(accountId, viewer, address('x')).expect(403);
    await http()
      .get(`/api/accounts/${accountId}/invitations`)
      .set('Cookie', viewer.cookie)
      .expect(403);
    await http()
      .delete(`/api/accounts/${accountId}/invitations/${pending.id}`)
      .set('Cookie', viewer.cookie)
      .expect(403);

    const bad = await http()
      .post(`/api/accounts/${accountId}/invitations`)
      .set('Cookie', owner.cookie)
      .send({ email: 'not an address', role: 'boss' })
      .expect(400);
    expect(bad.body.message).toEqual([
      'email must be an e-mail address such as ann@example.com',
      'role must be one of: owner, admin, viewer',
    ]);
  });

  it("should answer 404 to another account's member on every invitation route, and for another account's invitation id", async () => {
    const { accountId, owner } = await newAccount();
    const other = await newAccount('Other');
    const mine = await invitedToken(accountId, owner, address('mine'));
    const theirs = await invitedToken(other.accountId, other.owner, address('theirs'));
    const outsider = other.owner;
    for (const call of [
      () => http().get(`/api/accounts/${accountId}/invitations`),
      () =>
        http()
          .post(`/api/accounts/${accountId}/invitations`)
          .send({ email: address('y'), role: 'viewer' }),
      () => http().delete(`/api/accounts/${accountId}/invitations/${mine.id}`),
    ]) {
      const res = await call().set('Cookie', outsider.cookie);
      expect(res.status).toBe(404);
      expect(res.body.message).toBe('Account not found.');
    }
    // Their own admin route, with this account's invitation id: not theirs either.
    await http()
      .delete(`/api/accounts/${other.accountId}/invitations/${mine.id}`)
      .set('Cookie', outsider.cookie)
      .expect(404);
    await http()
      .delete(`/api/accounts/${accountId}/invitations/${theirs.id}`)
      .set('Cookie', owner.cookie)
      .expect(404);
    await http()
      .delete(`/api/accounts/${accountId}/invitations/not-a-uuid`)
      .set('Cookie', owner.cookie)
      .expect(404);
    const rows = await dataSourceOf(app).query(
      'SELECT revoked_at FROM invitations WHERE id = ANY($1)',
      [[mine.id, theirs.id]],
    );
    expect(rows).toEqual([{ revoked_at: null }, { revoked_at: null }]);
  });
});

describe('invitations without SMTP_URL, under REGISTRATION=invite', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  const { http, newAccount, invite, roleInDb } = helpers(() => app);

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({
      databaseUrl: db.url,
      env: { SMTP_URL: '', REGISTRATION: 'invite' },
    });
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('should return the link to the inviter once, log that it did so without the token, and accept it', async () => {
    const logged: unknown[][] = [];
    const spies = (['log', 'warn', 'error', 'debug'] as const).map((level) =>
      vi.spyOn(Logger.prototype, level).mockImplementation((...args: unknown[]) => {
        logged.push(args);
      }),
    );
    try {
      const { accountId, owner } = await newAccount();
      const email = address('gil');
      const res = await invite(accountId, owner, email, 'viewer').expect(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        email,
        role: 'viewer',
        expiresAt: expect.any(String),
        emailed: false,
        link: expect.stringMatching(LINK),
      });
      const [, link, token] = LINK.exec(res.body.link)!;
      expect(link).toBe(`${app.get(appConfig.KEY).publicUrl}/invitations/accept#token=${token}`);
      expect(logged.map((args) => args[1])).toContain(
        'Invitation created; SMTP_URL is not set, so the link was shown to the inviter.',
      );

      const list = await http()
        .get(`/api/accounts/${accountId}/invitations`)
        .set('Cookie', owner.cookie)
        .expect(200);
      expect(JSON.stringify(list.body)).not.toContain(token);

      const accepted = await http()
        .post('/api/invitations/accept')
        .send({ token, password: PASSWORD })
        .expect(201);
      expect(await roleInDb(accountId, accepted.body.userId)).toBe('viewer');
      expect(JSON.stringify(logged)).not.toContain(token);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});
