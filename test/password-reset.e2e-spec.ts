import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { AuditService, type AuditRecord } from '../src/audit/audit.service.js';
import { hashToken } from '../src/auth/secret-token.js';
import { TOO_MANY_RESETS } from '../src/auth-flows/auth-rate-limits.js';
import {
  PasswordResetsService,
  RESET_LINK_INVALID,
  RESET_REQUESTED,
} from '../src/auth-flows/password-resets.service.js';
import { UsersService } from '../src/users/users.service.js';
import { startSession } from './utils/auth.js';
import { cleanEnv, requireBuilt, runNode } from './utils/child-process.js';
import { FakeClock } from './utils/fake-clock.js';
import { mailText, startSmtpServer, type TestSmtpServer } from './utils/smtp.js';
import { createTestApp, dataSourceOf } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

const PASSWORD = 'plum kettle orbit lantern 42';
const NEW_PASSWORD = 'quiet harbour violin 1987 moss';
const PUBLIC_URL = 'http://analytics.example.test';
const LINK = /(\S+)\/reset-password#token=([A-Za-z0-9_-]{43})\b/;
const CLI = 'dist/src/cli.js';

let counter = 0;
function uniqueEmail(tag: string): string {
  counter += 1;
  return `${tag}-${process.pid}-${counter}@example.com`;
}

describe('password reset by e-mail (/api/auth/password-reset) and by the operator (CLI)', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let smtp: TestSmtpServer;
  const clock = new FakeClock(Date.parse('2026-12-01T12:00:00Z'));
  const audit: AuditRecord[] = [];

  const requestReset = (email: string) =>
    request(app.getHttpServer()).post('/api/auth/password-reset').send({ email });
  const confirm = (token: string, newPassword = NEW_PASSWORD) =>
    request(app.getHttpServer())
      .post('/api/auth/password-reset/confirm')
      .send({ token, newPassword });
  const signIn = (email: string, password: string) =>
    request(app.getHttpServer()).post('/api/auth/sign-in').send({ email, password });

  async function userWithSessions(tag: string, sessions = 2) {
    const email = uniqueEmail(tag);
    const user = await app.get(UsersService).create({ email, password: PASSWORD });
    const cookies: string[] = [];
    for (let n = 0; n < sessions; n += 1) cookies.push((await startSession(app, user.id)).cookie);
    return { id: user.id, email, cookies };
  }

  beforeAll(async () => {
    smtp = await startSmtpServer();
    db = await createTestDatabase();
    app = await createTestApp({
      databaseUrl: db.url,
      clock,
      env: {
        SMTP_URL: smtp.url,
        PUBLIC_URL,
        AUTH_MAX_ATTEMPTS_PER_ADDRESS: '100000',
      },
    });
    const service = app.get(AuditService);
    const record = service.record.bind(service);
    service.record = (entry: AuditRecord) => {
      audit.push(entry);
      record(entry);
    };
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
    await smtp?.close();
    delete process.env.SMTP_URL;
    delete process.env.PUBLIC_URL;
  });

  it('should e-mail a one-time link through SMTP, store only its hash, set the password once and end every session', async () => {
    const user = await userWithSessions('ann');
    audit.length = 0;
    const res = await requestReset(user.email.toUpperCase()).expect(202);
    expect(res.body).toEqual({ message: RESET_REQUESTED });

    const mail = await smtp.waitFor(user.email);
    const text = mailText(mail.raw);
    const match = LINK.exec(text);
    expect(match, text).not.toBeNull();
    const [, base, token] = match!;
    expect(base).toBe(PUBLIC_URL);

    const rows: Record<string, unknown>[] = await dataSourceOf(app).query(
      `SELECT r.*, encode(token_hash, 'hex') AS hex, encode(token_hash, 'escape') AS escaped
         FROM password_resets r WHERE user_id = $1`,
      [user.id],
    );
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows[0].hex).toBe(hashToken(token).toString('hex'));
    expect(rows[0].expires_at).toEqual(new Date(clock.now().getTime() + 3_600_000));
    expect(rows[0].used_at).toBeNull();

    // A refused new password does not spend the link.
    const weak = await confirm(token, 'short').expect(400);
    expect(weak.body.message).toMatch(/at least 15/);
    for (const cookie of user.cookies) {
      await request(app.getHttpServer()).get('/api/auth/session').set('Cookie', cookie).expect(200);
    }

    await confirm(token).expect(204);
    for (const cookie of user.cookies) {
      await request(app.getHttpServer()).get('/api/auth/session').set('Cookie', cookie).expect(401);
    }
    const [{ count }] = await dataSourceOf(app).query(
      'SELECT count(*)::int AS count FROM user_sessions WHERE user_id = $1',
      [user.id],
    );
    expect(count).toBe(0);
    await signIn(user.email, PASSWORD).expect(401);
    await signIn(user.email, NEW_PASSWORD).expect(200);

    const again = await confirm(token, 'another fine long password 7').expect(400);
    expect(again.body.message).toBe(RESET_LINK_INVALID);
    const [used] = await dataSourceOf(app).query(
      'SELECT used_at FROM password_resets WHERE user_id = $1',
      [user.id],
    );
    expect(used.used_at).not.toBeNull();

    expect(audit.map((entry) => entry.action)).toEqual(
      expect.arrayContaining(['auth.password_reset_requested', 'auth.password_reset']),
    );
    expect(JSON.stringify(audit)).not.toContain(token);
    expect(JSON.stringify(audit)).not.toContain(NEW_PASSWORD);
  });

  it('should answer an unknown address with the same 202 and send it nothing', async () => {
    const unknown = uniqueEmail('nobody');
    const known = await userWithSessions('bo', 0);
    const unknownRes = await requestReset(unknown).expect(202);
    const knownRes = await requestReset(known.email).expect(202);
    expect(unknownRes.body).toEqual(knownRes.body);
    expect(Object.keys(unknownRes.headers).sort()).toEqual(Object.keys(knownRes.headers).sort());
    await smtp.waitFor(known.email);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(smtp.received.filter((mail) => mail.to.includes(unknown))).toEqual([]);
  });

  it('should refuse an expired link, a replaced link and a made-up token with the same 400', async () => {
    const user = await userWithSessions('cy', 1);
    const resets = app.get(PasswordResetsService);
    const tokenOf = (link: string) => LINK.exec(link)![2];

    const older = tokenOf((await resets.createLink(user.id)).link);
    const newer = tokenOf((await resets.createLink(user.id)).link);
    const replaced = await confirm(older).expect(400);
    expect(replaced.body.message).toBe(RESET_LINK_INVALID);
    const madeUp = await confirm('A'.repeat(43)).expect(400);
    expect(madeUp.body.message).toBe(RESET_LINK_INVALID);

    clock.advance(3_600_000 + 1000);
    try {
      const expired = await confirm(newer).expect(400);
      expect(expired.body.message).toBe(RESET_LINK_INVALID);
    } finally {
      clock.advance(-(3_600_000 + 1000));
    }
    await signIn(user.email, PASSWORD).expect(200);
  });

  it('should limit reset requests per e-mail address (429 with Retry-After, the same for an unknown address)', async () => {
    const known = await userWithSessions('flood', 0);
    const unknown = uniqueEmail('flood-nobody');
    for (const email of [known.email, unknown]) {
      for (let n = 0; n < 3; n += 1) await requestReset(email).expect(202);
    }
    const limited = await requestReset(known.email).expect(429);
    const limitedUnknown = await requestReset(unknown).expect(429);
    expect(limited.body.message).toBe(TOO_MANY_RESETS);
    expect(limitedUnknown.body.message).toBe(TOO_MANY_RESETS);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('should print a one-time link from `users reset-password` whose token works with the confirm route, and refuse an unknown address with exit 2', async () => {
    requireBuilt(CLI);
    const user = await userWithSessions('dee', 1);
    const env = cleanEnv({ DATABASE_URL: db.url, LOG_LEVEL: 'silent' });
    const result = await runNode(CLI, ['users', 'reset-password', '--email', user.email], env);
    expect(result.code, result.stderr).toBe(0);
    const match = LINK.exec(result.stdout);
    expect(match, result.stdout).not.toBeNull();
    expect(match![1]).toBe('http://localhost:8080');
    await confirm(match![2]).expect(204);
    await request(app.getHttpServer())
      .get('/api/auth/session')
      .set('Cookie', user.cookies[0])
      .expect(401);
    await signIn(user.email, NEW_PASSWORD).expect(200);

    const unknown = await runNode(
      CLI,
      ['users', 'reset-password', '--email', 'nobody@example.com'],
      env,
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/No user has the e-mail address "nobody@example.com"/);
    const missing = await runNode(CLI, ['users', 'reset-password'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/users reset-password needs --email/);
  });
});

describe('password reset without SMTP_URL', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({ databaseUrl: db.url, env: { SMTP_URL: '' } });
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('should answer the same 202, make no link and log how an operator makes one', async () => {
    const email = uniqueEmail('nomail');
    const user = await app.get(UsersService).create({ email, password: PASSWORD });
    const logged: unknown[][] = [];
    const logger = Reflect.get(app.get(PasswordResetsService), 'logger') as { warn: unknown };
    logger.warn = (...args: unknown[]) => logged.push(args);
    const res = await request(app.getHttpServer())
      .post('/api/auth/password-reset')
      .send({ email })
      .expect(202);
    expect(res.body).toEqual({ message: RESET_REQUESTED });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const rows = await dataSourceOf(app).query(
      'SELECT id FROM password_resets WHERE user_id = $1',
      [user.id],
    );
    expect(rows).toEqual([]);
    expect(logged).toHaveLength(1);
    expect(JSON.stringify(logged)).toContain(
      `npm run cli -- users reset-password --email ${email}`,
    );
    expect(JSON.stringify(logged)).not.toMatch(/token|[A-Za-z0-9_-]{43}/);
  });
});
