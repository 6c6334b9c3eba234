import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Controller, Get, Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { AuditService, type AuditRecord } from '../src/audit/audit.service.js';
import { Public } from '../src/auth/access-rules.js';
import { ApiKeyVerifier } from '../src/auth/authenticator.js';
import type { ApiKeyPrincipal } from '../src/auth/principal.js';
import { hashToken, newSecretToken } from '../src/auth/secret-token.js';
import { signedInUser, type SignedInUser } from './utils/auth.js';
import { cleanEnv, NodeProcess } from './utils/child-process.js';
import { openDataSource, waitFor } from './utils/data-source.js';
import { makeSite } from './utils/factories.js';
import { FakeClock } from './utils/fake-clock.js';
import { freePort } from './utils/free-port.js';
import { findSecrets } from './utils/secrets.js';
import { createTestApp, dataSourceOf } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

const DAY_MS = 86_400_000;

interface AuditRow {
  id: string;
  occurred_at: Date;
  action: string;
  actor_type: string;
  actor_user_id: string | null;
  actor_key_id: string | null;
  account_id: string | null;
  site_id: string | null;
  target_type: string | null;
  target_id: string | null;
  details: Record<string, unknown>;
  client_address: string | null;
}

function rowsOf(dataSource: DataSource, where: string, params: unknown[]): Promise<AuditRow[]> {
  return dataSource.query(`SELECT * FROM audit_log WHERE ${where} ORDER BY id`, params);
}

describe('audit log', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let audit: AuditService;
  let dataSource: DataSource;
  const clock = new FakeClock(Date.parse('2026-12-01T12:00:00Z'));

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({
      databaseUrl: db.url,
      clock,
      env: { AUDIT_RETENTION_DAYS: '30' },
    });
    audit = app.get(AuditService);
    dataSource = dataSourceOf(app);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  describe('writing', () => {
    it('should return from record() at once and write many entries in one statement, each with its columns', async () => {
      const accountId = randomUUID();
      const siteId = randomUUID();
      const userId = randomUUID();
      const keyId = randomUUID();
      const started = clock.now().getTime();
      const query = vi.spyOn(dataSource, 'query');
      try {
        const took: number[] = [];
        for (let i = 0; i < 500; i += 1) {
          const entry: AuditRecord = {
            action: 'site.updated',
            actor:
              i % 3 === 0
                ? { type: 'user', userId, sessionId: randomUUID() }
                : i % 3 === 1
                  ? { type: 'api_key', keyId, accountId, scope: 'full' }
                  : null,
            accountId,
            siteId,
            target: { type: 'site', id: siteId },
            details: { n: i, fields: ['name'] },
            clientAddress: i % 2 === 0 ? '203.0.113.77' : '2001:db8:85a3:1:2:3:4:5',
          };
          const before = performance.now();
          const returned = audit.record(entry) as unknown;
          took.push(performance.now() - before);
          expect(returned).toBeUndefined(); // not a promise: nothing to await
          clock.advance(1000);
        }
        took.sort((a, b) => a - b);
        // The median call costs microseconds: no I/O happens in it.
        expect(took[250]).toBeLessThan(0.2);
        await audit.flush();
        const inserts = query.mock.calls.filter(([sql]) => /INSERT INTO audit_log/.test(sql));
        expect(inserts).toHaveLength(1);
      } finally {
        query.mockRestore();
      }

      const rows = await rowsOf(dataSource, 'account_id = $1', [accountId]);
      expect(rows).toHaveLength(500);
      expect(rows.map((row) => row.details.n)).toEqual([...Array(500).keys()]);
      expect(rows[0]).toMatchObject({
        occurred_at: new Date(started),
        action: 'site.updated',
        actor_type: 'user',
        actor_user_id: userId,
        actor_key_id: null,
        account_id: accountId,
        site_id: siteId,
        target_type: 'site',
        target_id: siteId,
        details: { n: 0, fields: ['name'] },
        client_address: '203.0.113.0',
      });
      expect(rows[1]).toMatchObject({
        occurred_at: new Date(started + 1000),
        actor_type: 'api_key',
        actor_user_id: null,
        actor_key_id: keyId,
        client_address: '2001:db8:85a3::',
      });
      expect(rows[2]).toMatchObject({
        actor_type: 'anonymous',
        actor_user_id: null,
        actor_key_id: null,
      });
    });

    it('should store a secret-named detail as [redacted] and ids that are not UUIDs as null', async () => {
      const accountId = randomUUID();
      audit.record({
        action: 'auth.password_changed',
        actor: { type: 'user', userId: 'not-a-uuid' },
        accountId,
        siteId: "1' OR 1=1",
        details: { password: 'hunter2-secret', newToken: 'tok-secret', fields: ['password'] },
        clientAddress: 'not an address',
      });
      await audit.flush();
      const [row] = await rowsOf(dataSource, 'account_id = $1', [accountId]);
      expect(row).toMatchObject({
        actor_type: 'user',
        actor_user_id: null,
        site_id: null,
        details: { password: '[redacted]', newToken: '[redacted]', fields: ['password'] },
        client_address: null,
      });
    });

    it('should coalesce reads of the same data of a site by the same actor within a minute', async () => {
      const accountId = randomUUID();
      const siteId = randomUUID();
      const alice = { type: 'user' as const, userId: randomUUID() };
      const bob = { type: 'user' as const, userId: randomUUID() };
      const read = (actor: typeof alice, what: string) =>
        audit.record({ action: 'site.data_read', actor, accountId, siteId, details: { what } });
      for (let i = 0; i < 6; i += 1) {
        read(alice, 'stats'); // a dashboard polling every 10 s
        clock.advance(10_000);
      }
      read(alice, 'pages');
      read(bob, 'stats');
      clock.advance(1000); // 61 s after Alice's first read of stats
      read(alice, 'stats');
      await audit.flush();
      const rows = await rowsOf(dataSource, 'account_id = $1', [accountId]);
      expect(rows.map((row) => [row.actor_user_id, row.details.what])).toEqual([
        [alice.userId, 'stats'],
        [alice.userId, 'pages'],
        [bob.userId, 'stats'],
        [alice.userId, 'stats'],
      ]);
    });

    it('should write what is buffered when the app closes, before the database connection ends', async () => {
      const accountId = randomUUID();
      const other = await createTestApp({ databaseUrl: db.url });
      const otherAudit = other.get(AuditService);
      for (let i = 0; i < 20; i += 1) {
        otherAudit.record({ action: 'site.created', accountId, details: { n: i } });
      }
      await other.close();
      const reader = await openDataSource(db.url);
      try {
        const rows = await rowsOf(reader, 'account_id = $1', [accountId]);
        expect(rows.map((row) => row.details.n)).toEqual([...Array(20).keys()]);
      } finally {
        await reader.destroy();
      }
    });

    it('should write the entry of a request that finishes while the app closes', async () => {
      const accountId = randomUUID();
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let arrived!: () => void;
      const inFlight = new Promise<void>((resolve) => (arrived = resolve));

      @Controller('api/audit-test')
      class SlowController {
        constructor(private readonly auditService: AuditService) {}

        @Get('slow')
        @Public()
        async slow(): Promise<{ ok: true }> {
          arrived();
          await released;
          this.auditService.record({ action: 'site.updated', accountId });
          return { ok: true };
        }
      }

      const other = await createTestApp({
        databaseUrl: db.url,
        extra: { controllers: [SlowController] },
      });
      await other.listen(0, '127.0.0.1');
      const { port } = other.getHttpServer().address() as AddressInfo;
      const answer = fetch(`http://127.0.0.1:${port}/api/audit-test/slow`);
      await inFlight;
      const closing = other.close();
      // The server waits for the request: it records after every beforeApplicationShutdown hook.
      await new Promise((resolve) => setTimeout(resolve, 100));
      release();
      expect((await answer).status).toBe(200);
      await closing;
      const reader = await openDataSource(db.url);
      try {
        const rows = await rowsOf(reader, 'account_id = $1', [accountId]);
        expect(rows.map((row) => row.action)).toEqual(['site.updated']);
      } finally {
        await reader.destroy();
      }
    });

    it('should keep entries while the database refuses them and write them once it takes them again', async () => {
      const accountId = randomUUID();
      const realQuery = dataSource.query.bind(dataSource);
      const query = vi
        .spyOn(dataSource, 'query')
        .mockRejectedValue(
          Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
        );
      try {
        audit.record({ action: 'site.deleted', accountId });
        await audit.flush();
        audit.record({ action: 'site.created', accountId });
        await audit.flush();
      } finally {
        query.mockRestore();
      }
      expect(await realQuery(`SELECT 1 FROM audit_log WHERE account_id = $1`, [accountId])).toEqual(
        [],
      );
      await audit.flush();
      const rows = await rowsOf(dataSource, 'account_id = $1', [accountId]);
      expect(rows.map((row) => row.action)).toEqual(['site.deleted', 'site.created']);
    });

    it('should drop the oldest entries, with a warning, when more than 10 000 wait for the database', async () => {
      const accountId = randomUUID();
      const warn = vi.spyOn(Logger.prototype, 'warn');
      const query = vi
        .spyOn(dataSource, 'query')
        .mockRejectedValue(
          Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
        );
      try {
        for (let i = 0; i < 10_005; i += 1) {
          audit.record({ action: 'site.updated', accountId, details: { n: i } });
        }
        await audit.flush();
      } finally {
        query.mockRestore();
      }
      await audit.flush();
      expect(warn).toHaveBeenCalledWith(
        { dropped: 5 },
        'Dropped the 5 oldest audit entries: more than 10000 were waiting for the database.',
      );
      warn.mockRestore();
      const [{ count, first, last }] = await dataSource.query<
        { count: number; first: number; last: number }[]
      >(
        `SELECT count(*)::int AS count, min((details->>'n')::int) AS first,
                max((details->>'n')::int) AS last
           FROM audit_log WHERE account_id = $1`,
        [accountId],
      );
      expect({ count, first, last }).toEqual({ count: 10_000, first: 5, last: 10_004 });
    });
  });

  describe('retention', () => {
    it('should delete entries older than AUDIT_RETENTION_DAYS and keep the recent ones', async () => {
      const accountId = randomUUID();
      const started = clock.now().getTime();
      try {
        audit.record({ action: 'site.created', accountId, details: { n: 1 } });
        clock.advance(10 * DAY_MS);
        audit.record({ action: 'site.updated', accountId, details: { n: 2 } });
        clock.advance(21 * DAY_MS); // 31 days after the first, 21 after the second
        audit.record({ action: 'site.deleted', accountId, details: { n: 3 } });
        await audit.flush();
        expect(await audit.purgeExpired()).toBeGreaterThanOrEqual(1);
        const rows = await rowsOf(dataSource, 'account_id = $1', [accountId]);
        expect(rows.map((row) => row.details.n)).toEqual([2, 3]);
      } finally {
        clock.advance(started - clock.now().getTime());
      }
    });
  });

  describe('GET /api/accounts/:accountId/audit-log', () => {
    let accountId: string;
    let siteId: string;
    let otherAccountId: string;
    let owner: SignedInUser;
    const keyId = randomUUID();

    beforeAll(async () => {
      const site = await makeSite(dataSource);
      accountId = site.accountId;
      siteId = site.id;
      otherAccountId = (await makeSite(dataSource)).accountId;
      owner = await signedInUser(app, { accountId, role: 'owner' });
      await dataSource.query(`UPDATE users SET name = 'Olivia Owner' WHERE id = $1`, [
        owner.userId,
      ]);
      const ownerActor = {
        type: 'user' as const,
        userId: owner.userId,
        sessionId: owner.sessionId,
      };
      audit.record({
        action: 'site.created',
        actor: ownerActor,
        accountId,
        siteId,
        target: { type: 'site', id: siteId },
        details: { name: 'Test site' },
        clientAddress: '198.51.100.23',
      });
      clock.advance(1000);
      audit.record({
        action: 'member.role_changed',
        actor: ownerActor,
        accountId,
        target: { type: 'user', id: randomUUID() },
        details: { role: 'admin', previousRole: 'viewer' },
      });
      clock.advance(1000);
      audit.record({
        action: 'site.data_read',
        actor: { type: 'api_key', keyId, accountId, scope: 'stats:read' },
        accountId,
        siteId,
        details: { what: 'stats' },
      });
      clock.advance(1000);
      audit.record({
        action: 'api_key.created',
        actor: ownerActor,
        accountId,
        target: { type: 'api_key', id: keyId },
      });
      clock.advance(1000);
      audit.record({ action: 'site.created', actor: ownerActor, accountId: otherAccountId });
      clock.advance(1000);
    });

    const read = (cookie: string, query = '') =>
      request(app.getHttpServer())
        .get(`/api/accounts/${accountId}/audit-log${query}`)
        .set('Cookie', cookie);

    it("should give an owner the account's entries, newest first, with who, what and where", async () => {
      const res = await read(owner.cookie).expect(200);
      expect(res.body.nextBefore).toBeNull();
      expect(res.body.entries.map((entry: { action: string }) => entry.action)).toEqual([
        'api_key.created',
        'site.data_read',
        'member.role_changed',
        'site.created',
      ]);
      const created = res.body.entries[3];
      expect(created).toEqual({
        id: expect.stringMatching(/^\d+$/),
        occurredAt: expect.any(String),
        action: 'site.created',
        actor: {
          type: 'user',
          userId: owner.userId,
          email: owner.email,
          name: 'Olivia Owner',
          keyId: null,
        },
        siteId,
        target: { type: 'site', id: siteId },
        details: { name: 'Test site' },
        clientAddress: '198.51.100.0',
      });
      expect(res.body.entries[1].actor).toEqual({
        type: 'api_key',
        userId: null,
        email: null,
        name: null,
        keyId,
      });
    });

    it('should page with limit and before, and filter by action and site', async () => {
      const first = await read(owner.cookie, '?limit=3').expect(200);
      expect(first.body.entries).toHaveLength(3);
      expect(first.body.nextBefore).toBe(first.body.entries[2].id);
      const second = await read(owner.cookie, `?limit=3&before=${first.body.nextBefore}`).expect(
        200,
      );
      expect(second.body.entries.map((entry: { action: string }) => entry.action)).toEqual([
        'site.created',
      ]);
      expect(second.body.nextBefore).toBeNull();

      const byAction = await read(owner.cookie, '?action=site.created').expect(200);
      expect(byAction.body.entries).toHaveLength(1);
      const bySite = await read(owner.cookie, `?siteId=${siteId}`).expect(200);
      expect(bySite.body.entries.map((entry: { action: string }) => entry.action)).toEqual([
        'site.data_read',
        'site.created',
      ]);
    });

    it('should refuse bad paging and filters with a message that says what to fix', async () => {
      const tooMany = await read(owner.cookie, '?limit=500').expect(400);
      expect(tooMany.body.message).toContain('limit must be a whole number from 1 to 200');
      const badCursor = await read(owner.cookie, '?before=abc').expect(400);
      expect(badCursor.body.message).toContain(
        'before must be the nextBefore of a previous page (a positive whole number)',
      );
      const badAction = await read(owner.cookie, '?action=drop').expect(400);
      expect(badAction.body.message[0]).toMatch(/^action must be one of: auth.sign_up/);
      await read(owner.cookie, '?siteId=nope').expect(400);
    });

    it('should show a deleted user by id only', async () => {
      const gone = await signedInUser(app, { accountId, role: 'admin' });
      audit.record({
        action: 'site.updated',
        actor: { type: 'user', userId: gone.userId },
        accountId,
      });
      await dataSource.query('DELETE FROM users WHERE id = $1', [gone.userId]);
      const res = await read(owner.cookie, '?action=site.updated').expect(200);
      expect(res.body.entries[0].actor).toEqual({
        type: 'user',
        userId: gone.userId,
        email: null,
        name: null,
        keyId: null,
      });
    });

    it('should refuse admins and viewers (403), owners of other accounts (404), keys (403) and anonymous callers (401)', async () => {
      const admin = await signedInUser(app, { accountId, role: 'admin' });
      const viewer = await signedInUser(app, { accountId, role: 'viewer' });
      const stranger = await signedInUser(app, { accountId: otherAccountId, role: 'owner' });
      await read(admin.cookie).expect(403);
      await read(viewer.cookie).expect(403);
      await read(stranger.cookie).expect(404);
      await request(app.getHttpServer()).get(`/api/accounts/${accountId}/audit-log`).expect(401);

      const verifier = app.get(ApiKeyVerifier);
      const key: ApiKeyPrincipal = { type: 'api_key', keyId, accountId, scope: 'full' };
      const verify = vi.spyOn(verifier, 'verify').mockResolvedValue({ principal: key });
      try {
        await request(app.getHttpServer())
          .get(`/api/accounts/${accountId}/audit-log`)
          .set('Authorization', 'Bearer some-full-key')
          .expect(403);
      } finally {
        verify.mockRestore();
      }

      // The other account's owner reads their own log: one entry, none of this account's.
      const theirs = await request(app.getHttpServer())
        .get(`/api/accounts/${otherAccountId}/audit-log`)
        .set('Cookie', stranger.cookie)
        .expect(200);
      expect(theirs.body.entries.map((entry: { action: string }) => entry.action)).toEqual([
        'site.created',
      ]);
    });
  });

  describe('GET /api/auth/activity', () => {
    it("should show the caller's own entries that belong to no account, failed sign-ins at them included", async () => {
      const me = await signedInUser(app);
      const someoneElse = await signedInUser(app);
      const accountId = randomUUID();
      audit.record({
        action: 'auth.sign_in',
        actor: { type: 'user', userId: me.userId },
        clientAddress: '192.0.2.10',
      });
      clock.advance(1000);
      audit.record({
        action: 'auth.sign_in_failed',
        actor: null,
        target: { type: 'user', id: me.userId },
      });
      clock.advance(1000);
      audit.record({
        action: 'auth.password_changed',
        actor: { type: 'user', userId: me.userId, sessionId: me.sessionId },
      });
      clock.advance(1000);
      audit.record({
        action: 'site.created',
        actor: { type: 'user', userId: me.userId },
        accountId,
      });
      audit.record({ action: 'auth.sign_in', actor: { type: 'user', userId: someoneElse.userId } });
      clock.advance(1000);

      const res = await request(app.getHttpServer())
        .get('/api/auth/activity')
        .set('Cookie', me.cookie)
        .expect(200);
      expect(res.body.entries.map((entry: { action: string }) => entry.action)).toEqual([
        'auth.password_changed',
        'auth.sign_in_failed',
        'auth.sign_in',
      ]);
      expect(res.body.entries[2]).toMatchObject({
        actor: { type: 'user', userId: me.userId, email: me.email },
        clientAddress: '192.0.2.0',
      });
      const paged = await request(app.getHttpServer())
        .get('/api/auth/activity?limit=1&action=auth.sign_in')
        .set('Cookie', me.cookie)
        .expect(200);
      expect(paged.body.entries).toHaveLength(1);
      expect(paged.body.nextBefore).toBeNull();
      await request(app.getHttpServer()).get('/api/auth/activity').expect(401);
      const verify = vi.spyOn(app.get(ApiKeyVerifier), 'verify').mockResolvedValue({
        principal: { type: 'api_key', keyId: randomUUID(), accountId, scope: 'full' },
      });
      try {
        await request(app.getHttpServer())
          .get('/api/auth/activity')
          .set('Authorization', 'Bearer some-full-key')
          .expect(403);
      } finally {
        verify.mockRestore();
      }
      await request(app.getHttpServer())
        .get(`/api/auth/activity?siteId=${randomUUID()}`)
        .set('Cookie', me.cookie)
        .expect(400);
    });
  });

  describe('findSecrets', () => {
    it('should find a secret in a text, a jsonb and a bytea column, and nothing where there is none', async () => {
      const clean = await createTestDatabase();
      const ds = await openDataSource(clean.url);
      try {
        await makeSite(ds);
        const inText = `text-secret-${randomBytes(8).toString('hex')}`;
        const inJson = `json-secret-${randomBytes(8).toString('hex')}`;
        const inBytes = newSecretToken();
        const absent = newSecretToken();
        expect(await findSecrets(ds, [inText, inJson, inBytes, absent])).toEqual([]);

        const [{ id: userId }] = await ds.query<{ id: string }[]>(
          `INSERT INTO users (email, name) VALUES ('planted@example.com', $1) RETURNING id`,
          [`Name ${inText}`],
        );
        await ds.query(
          `INSERT INTO audit_log (occurred_at, action, actor_type, details)
           VALUES (now(), 'site.updated', 'anonymous', jsonb_build_object('note', $1::text))`,
          [inJson],
        );
        // A token stored as its raw bytes, not its hash.
        await ds.query(
          `INSERT INTO user_sessions (user_id, token_hash, last_seen_at, expires_at)
           VALUES ($1, $2, now(), now())`,
          [userId, Buffer.from(inBytes, 'base64url')],
        );
        const findings = await findSecrets(ds, [inText, inJson, inBytes, absent]);
        expect(findings).toEqual([
          expect.stringMatching(/^audit_log\.details contains secret #2 /),
          expect.stringMatching(/^user_sessions\.token_hash contains secret #3 /),
          expect.stringMatching(/^users\.name contains secret #1 /),
        ]);
        // The same token's hash, as the app stores it, is no finding.
        await ds.query('UPDATE user_sessions SET token_hash = $1', [hashToken(inBytes)]);
        expect(await findSecrets(ds, [inBytes])).toEqual([]);
      } finally {
        await ds.destroy();
        await clean.drop();
      }
    });
  });
});

/** The built server's own log lines, for requests that carry credentials in every place they travel. */
describe('no credential in a log line', () => {
  let db: TestDatabase;
  let server: NodeProcess;

  afterAll(async () => {
    if (server?.running) await server.stop('SIGKILL', 5_000);
    await db?.drop();
  });

  it('should log neither cookies, Bearer keys, passwords in bodies nor /api query strings', async () => {
    db = await createTestDatabase();
    const setup = await openDataSource(db.url);
    const token = newSecretToken();
    try {
      const [{ id: userId }] = await setup.query<{ id: string }[]>(
        `INSERT INTO users (email) VALUES ('logs@example.com') RETURNING id`,
      );
      await setup.query(
        `INSERT INTO user_sessions (user_id, token_hash, last_seen_at, expires_at)
         VALUES ($1, $2, now(), now() + interval '1 day')`,
        [userId, hashToken(token)],
      );
    } finally {
      await setup.destroy();
    }
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    server = new NodeProcess(
      'dist/src/main.js',
      [],
      cleanEnv({
        DATABASE_URL: db.url,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'trace',
        LOG_FORMAT: 'json',
        CREATE_DEMO_SITE: 'false',
      }),
    );
    await waitFor('GET /health/live to answer 200', async () => {
      try {
        return (await fetch(`${baseUrl}/health/live`)).status === 200;
      } catch {
        return false;
      }
    });

    const apiKey = `tv_${randomBytes(16).toString('hex')}`;
    const password = `pw-${randomBytes(8).toString('hex')}`;
    const queryToken = `qt-${randomBytes(8).toString('hex')}`;
    const cookie = `trackveil_session=${token}`;
    const signedIn = await fetch(`${baseUrl}/api/auth/activity`, { headers: { Cookie: cookie } });
    expect(signedIn.status).toBe(200);
    expect(
      (
        await fetch(`${baseUrl}/api/auth/activity?token=${queryToken}`, {
          headers: { Cookie: cookie },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await fetch(`${baseUrl}/api/accounts/${randomUUID()}/audit-log`, {
          headers: { Authorization: `Bearer ${apiKey}` },
        })
      ).status,
    ).toBe(401);
    for (const body of [
      JSON.stringify({ email: 'logs@example.com', password, token: queryToken }),
      `{"password": "${password}"`, // not JSON: the parser's error must not echo it
    ]) {
      const res = await fetch(`${baseUrl}/api/auth/activity?token=${queryToken}`, {
        method: 'POST',
        headers: { Cookie: cookie, 'Content-Type': 'application/json' },
        body,
      });
      expect(res.status).toBeGreaterThanOrEqual(400);
    }

    const exit = await server.stop('SIGTERM', 15_000);
    expect(exit.code, exit.stderr).toBe(0);
    const output = exit.stdout + exit.stderr;
    expect(output).toContain('/api/auth/activity'); // the requests were logged …
    for (const secret of [token, apiKey, password, queryToken]) {
      expect(output).not.toContain(secret); // … without what they carried
    }
  }, 60_000);
});
