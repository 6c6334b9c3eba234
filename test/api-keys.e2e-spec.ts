import { createHash } from 'node:crypto';
import { Controller, Get, Post } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { ApiKeysService } from '../src/api-keys/api-keys.service.js';
import { AuditService } from '../src/audit/audit.service.js';
import { PEOPLE_ONLY } from '../src/auth/access.guard.js';
import { SiteAccess } from '../src/auth/access-rules.js';
import { BEARER_FORMAT, KEY_REFUSED } from '../src/auth/authenticator.js';
import { CurrentAccess, CurrentPrincipal } from '../src/auth/current.decorators.js';
import type { Principal, ResourceAccess } from '../src/auth/principal.js';
import { signedInUser, type SignedInUser } from './utils/auth.js';
import { makeSite } from './utils/factories.js';
import { FakeClock } from './utils/fake-clock.js';
import { createTestApp, dataSourceOf } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

/** Routes a key may call: reading a site's stats (any key) and an admin's work on a site (full keys). */
@Controller('api/api-keys-test/sites/:siteId')
class KeyProbeController {
  @Get('stats')
  @SiteAccess('viewer', { keys: 'stats:read' })
  stats(
    @CurrentPrincipal() principal: Principal,
    @CurrentAccess() access: ResourceAccess,
  ): { principal: Principal; access: ResourceAccess } {
    return { principal, access };
  }

  @Post('settings')
  @SiteAccess('admin')
  settings(@CurrentAccess() access: ResourceAccess): ResourceAccess {
    return access;
  }
}

const KEY = /^tvk_[A-Za-z0-9_-]{43}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('API keys: created once, used as Bearer, scoped to one account, revoked at once', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  const clock = new FakeClock(Date.parse('2026-12-01T12:00:00Z'));

  const http = () => request(app.getHttpServer());
  const keysPath = (accountId: string) => `/api/accounts/${accountId}/api-keys`;

  /** A new account with a site and a signed-in admin of it. */
  async function accountWithAdmin(): Promise<{
    accountId: string;
    siteId: string;
    admin: SignedInUser;
  }> {
    const site = await makeSite(dataSourceOf(app));
    const admin = await signedInUser(app, { accountId: site.accountId, role: 'admin' });
    return { accountId: site.accountId, siteId: site.id, admin };
  }

  async function createKey(
    accountId: string,
    admin: SignedInUser,
    scope: 'stats:read' | 'full',
    name = `key ${scope}`,
  ): Promise<{ id: string; key: string; prefix: string }> {
    const res = await http()
      .post(keysPath(accountId))
      .set('Cookie', admin.cookie)
      .send({ name, scope })
      .expect(201);
    return res.body;
  }

  async function lastUsedAt(keyId: string): Promise<Date | null> {
    const [row] = await dataSourceOf(app).query('SELECT last_used_at FROM api_keys WHERE id = $1', [
      keyId,
    ]);
    return row.last_used_at;
  }

  /** `last_used_at` is written without holding up the request: wait for it briefly. */
  async function waitForLastUse(keyId: string, expected: Date): Promise<void> {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      if ((await lastUsedAt(keyId))?.getTime() === expected.getTime()) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await lastUsedAt(keyId)).toEqual(expected);
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({
      databaseUrl: db.url,
      clock,
      extra: { controllers: [KeyProbeController] },
    });
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('should show a new key once, list it without the key, and store only its SHA-256', async () => {
    const { accountId, admin } = await accountWithAdmin();
    const record = vi.spyOn(app.get(AuditService), 'record');
    const created = await http()
      .post(keysPath(accountId))
      .set('Cookie', admin.cookie)
      .send({ name: '  Weekly report  ', scope: 'stats:read' })
      .expect(201);
    const { key } = created.body;
    expect(created.body).toEqual({
      id: expect.stringMatching(UUID),
      name: 'Weekly report',
      scope: 'stats:read',
      prefix: key.slice(0, 12),
      key: expect.stringMatching(KEY),
      createdAt: clock.now().toISOString(),
    });
    const secret = key.slice(4);

    const list = await http().get(keysPath(accountId)).set('Cookie', admin.cookie).expect(200);
    expect(list.body).toEqual([
      {
        id: created.body.id,
        name: 'Weekly report',
        scope: 'stats:read',
        prefix: key.slice(0, 12),
        createdAt: clock.now().toISOString(),
        createdBy: { id: admin.userId, email: admin.email },
        lastUsedAt: null,
      },
    ]);
    expect(list.text).not.toContain(secret);

    // Every column of every row, as text (bytea as hex): neither the key nor its secret part.
    const rows: { line: string }[] = await dataSourceOf(app).query(
      'SELECT row_to_json(k)::text AS line FROM api_keys k',
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const { line } of rows) {
      expect(line).not.toContain(secret);
      expect(line).not.toContain(Buffer.from(secret, 'base64url').toString('hex'));
    }
    const [stored] = await dataSourceOf(app).query(
      `SELECT account_id, name, scope, prefix, encode(secret_hash, 'hex') AS hash, created_by,
              last_used_at, revoked_at
         FROM api_keys WHERE id = $1`,
      [created.body.id],
    );
    expect(stored).toEqual({
      account_id: accountId,
      name: 'Weekly report',
      scope: 'stats:read',
      prefix: key.slice(0, 12),
      hash: createHash('sha256').update(key).digest('hex'),
      created_by: admin.userId,
      last_used_at: null,
      revoked_at: null,
    });

    expect(record).toHaveBeenCalledWith(
      expect.objectContaining({
        action: 'api_key.created',
        accountId,
        actor: { type: 'user', userId: admin.userId, sessionId: admin.sessionId },
        target: { type: 'api_key', id: created.body.id },
      }),
    );
    expect(JSON.stringify(record.mock.calls)).not.toContain(secret);
  });

  it('should refuse a body with a blank name, an unknown scope or an unknown field, storing nothing', async () => {
    const { accountId, admin } = await accountWithAdmin();
    for (const [body, message] of [
      [{ name: ' ', scope: 'full' }, /name is required/],
      [{ name: 'x'.repeat(101), scope: 'full' }, /at most 100 characters/],
      [{ name: 'ci', scope: 'admin' }, /scope must be one of: stats:read, full/],
      [{ name: 'ci', scope: 'full', key: 'tvk_mine' }, /key should not exist/],
    ] as const) {
      const res = await http()
        .post(keysPath(accountId))
        .set('Cookie', admin.cookie)
        .send(body)
        .expect(400);
      expect(String(res.body.message)).toMatch(message);
    }
    const [{ count }] = await dataSourceOf(app).query(
      'SELECT count(*)::int AS count FROM api_keys WHERE account_id = $1',
      [accountId],
    );
    expect(count).toBe(0);
  });

  it('should let a key read stats as a viewer, let only a full key do an admin’s work, and answer 404 on another account', async () => {
    const { accountId, siteId, admin } = await accountWithAdmin();
    const statsKey = await createKey(accountId, admin, 'stats:read');
    const fullKey = await createKey(accountId, admin, 'full');

    const stats = await http()
      .get(`/api/api-keys-test/sites/${siteId}/stats`)
      .set('Authorization', `Bearer ${statsKey.key}`)
      .expect(200);
    expect(stats.body).toEqual({
      principal: { type: 'api_key', keyId: statsKey.id, accountId, scope: 'stats:read' },
      access: { accountId, siteId, siteTimezone: 'UTC', role: 'viewer' },
    });
    const fullStats = await http()
      .get(`/api/api-keys-test/sites/${siteId}/stats`)
      .set('Authorization', `Bearer ${fullKey.key}`)
      .expect(200);
    expect(fullStats.body.access.role).toBe('viewer');

    const refused = await http()
      .post(`/api/api-keys-test/sites/${siteId}/settings`)
      .set('Authorization', `Bearer ${statsKey.key}`)
      .send({})
      .expect(403);
    expect(refused.body.message).toMatch(/scope stats:read.*needs a key with the scope full/);
    const allowed = await http()
      .post(`/api/api-keys-test/sites/${siteId}/settings`)
      .set('Authorization', `Bearer ${fullKey.key}`)
      .send({})
      .expect(201);
    expect(allowed.body).toEqual({ accountId, siteId, siteTimezone: 'UTC', role: 'admin' });

    const other = await accountWithAdmin();
    const foreignKey = await createKey(other.accountId, other.admin, 'full');
    for (const path of ['stats', 'settings']) {
      const call =
        path === 'stats'
          ? http().get(`/api/api-keys-test/sites/${siteId}/stats`)
          : http().post(`/api/api-keys-test/sites/${siteId}/settings`).send({});
      const res = await call.set('Authorization', `Bearer ${foreignKey.key}`).expect(404);
      expect(res.body.message).toBe('Site not found.');
    }
    await http()
      .get(keysPath(accountId))
      .set('Authorization', `Bearer ${foreignKey.key}`)
      .expect(404);
  });

  it('should refuse every key, even a full one, on the API key routes themselves', async () => {
    const { accountId, admin } = await accountWithAdmin();
    const fullKey = await createKey(accountId, admin, 'full');
    const bearer = `Bearer ${fullKey.key}`;
    for (const call of [
      http().get(keysPath(accountId)),
      http().post(keysPath(accountId)).send({ name: 'minted by a key', scope: 'full' }),
      http().delete(`${keysPath(accountId)}/${fullKey.id}`),
    ]) {
      const res = await call.set('Authorization', bearer).expect(403);
      expect(res.body.message).toBe(PEOPLE_ONLY);
    }
    const [{ count, revoked }] = await dataSourceOf(app).query(
      `SELECT count(*)::int AS count, count(revoked_at)::int AS revoked
         FROM api_keys WHERE account_id = $1`,
      [accountId],
    );
    expect({ count, revoked }).toEqual({ count: 1, revoked: 0 });
  });

  it('should answer 401 to the very next request with a revoked key, on every server, and stop listing it', async () => {
    const { accountId, siteId, admin } = await accountWithAdmin();
    const key = await createKey(accountId, admin, 'stats:read');
    const statsPath = `/api/api-keys-test/sites/${siteId}/stats`;
    // A second server on the same database: a revocation on one must hold on the other at once.
    const replica = await createTestApp({
      databaseUrl: db.url,
      clock,
      extra: { controllers: [KeyProbeController] },
    });
    try {
      for (const server of [app, replica]) {
        await request(server.getHttpServer())
          .get(statsPath)
          .set('Authorization', `Bearer ${key.key}`)
          .expect(200);
      }
      const record = vi.spyOn(app.get(AuditService), 'record');
      const revoked = await http()
        .delete(`${keysPath(accountId)}/${key.id}`)
        .set('Cookie', admin.cookie)
        .expect(204);
      expect(revoked.text).toBe('');
      for (const server of [app, replica]) {
        const res = await request(server.getHttpServer())
          .get(statsPath)
          .set('Authorization', `Bearer ${key.key}`)
          .expect(401);
        expect(res.body).toEqual({
          statusCode: 401,
          error: 'Unauthorized',
          message: KEY_REFUSED,
          requestId: expect.stringMatching(UUID),
        });
      }
      expect(record).toHaveBeenCalledWith(
        expect.objectContaining({
          action: 'api_key.revoked',
          accountId,
          target: { type: 'api_key', id: key.id },
        }),
      );
      expect(JSON.stringify(record.mock.calls)).not.toContain(key.key.slice(4));
    } finally {
      await replica.close();
    }
    const [row] = await dataSourceOf(app).query('SELECT revoked_at FROM api_keys WHERE id = $1', [
      key.id,
    ]);
    expect(row.revoked_at).toEqual(clock.now());
    const list = await http().get(keysPath(accountId)).set('Cookie', admin.cookie).expect(200);
    expect(list.body).toEqual([]);
    const again = await http()
      .delete(`${keysPath(accountId)}/${key.id}`)
      .set('Cookie', admin.cookie)
      .expect(404);
    expect(again.body.message).toMatch(/No active API key of this account has this id/);
    await http()
      .delete(`${keysPath(accountId)}/not-a-uuid`)
      .set('Cookie', admin.cookie)
      .expect(404);
  });

  it('should answer 401 with a message to a malformed Authorization header, and judge a request by its key, not its cookie', async () => {
    const { accountId, siteId, admin } = await accountWithAdmin();
    const statsPath = `/api/api-keys-test/sites/${siteId}/stats`;
    for (const header of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer a b', 'tvk_abc']) {
      const res = await http().get(statsPath).set('Authorization', header).expect(401);
      expect(res.body.message).toBe(BEARER_FORMAT);
    }
    // A token that is not shaped like a key is refused without asking the database.
    const query = vi.spyOn(dataSourceOf(app), 'query');
    for (const token of ['not-a-key', `tvk_${'A'.repeat(42)}`, `xyz_${'A'.repeat(43)}`]) {
      const res = await http().get(statsPath).set('Authorization', `Bearer ${token}`).expect(401);
      expect(res.body.message).toBe(KEY_REFUSED);
    }
    expect(query.mock.calls.filter(([sql]) => String(sql).includes('api_keys'))).toEqual([]);
    query.mockRestore();

    // A cookie that would pass does not rescue a bad key.
    const key = await createKey(accountId, admin, 'stats:read');
    const unknown = `tvk_${'B'.repeat(43)}`;
    const res = await http()
      .get(statsPath)
      .set('Cookie', admin.cookie)
      .set('Authorization', `Bearer ${unknown}`)
      .expect(401);
    expect(res.body.message).toBe(KEY_REFUSED);
    await http().get(statsPath).set('Cookie', admin.cookie).expect(200);
    await http().get(statsPath).set('Authorization', `bearer   ${key.key}`).expect(200);
  });

  it('should record the last use of a key at most once a minute, without holding up the request', async () => {
    const { accountId, siteId, admin } = await accountWithAdmin();
    const key = await createKey(accountId, admin, 'stats:read');
    const statsPath = `/api/api-keys-test/sites/${siteId}/stats`;
    const use = () => http().get(statsPath).set('Authorization', `Bearer ${key.key}`).expect(200);
    const started = clock.now().getTime();
    try {
      expect(await lastUsedAt(key.id)).toBeNull();
      await use();
      await waitForLastUse(key.id, new Date(started));

      const query = vi.spyOn(dataSourceOf(app), 'query');
      for (let second = 0; second < 50; second += 10) {
        clock.advance(10_000);
        await use();
      }
      const touches = query.mock.calls.filter(([sql]) => String(sql).includes('SET last_used_at'));
      expect(touches).toEqual([]);
      expect(await lastUsedAt(key.id)).toEqual(new Date(started));

      clock.advance(20_000);
      await Promise.all([use(), use(), use()]);
      await waitForLastUse(key.id, clock.now());
      expect(
        query.mock.calls.filter(([sql]) => String(sql).includes('SET last_used_at')),
      ).toHaveLength(1);

      const list = await http().get(keysPath(accountId)).set('Cookie', admin.cookie).expect(200);
      expect(list.body[0].lastUsedAt).toBe(clock.now().toISOString());
    } finally {
      clock.advance(started - clock.now().getTime());
    }
  });

  it('should record a failed last-use write in the log and still answer the request', async () => {
    const { accountId, siteId, admin } = await accountWithAdmin();
    const key = await createKey(accountId, admin, 'stats:read');
    const dataSource = dataSourceOf(app);
    const original = dataSource.query.bind(dataSource);
    vi.spyOn(dataSource, 'query').mockImplementation((...args) =>
      args[0].includes('SET last_used_at')
        ? Promise.reject(new Error('disk full'))
        : original(...args),
    );
    const service = app.get(ApiKeysService);
    const warn = vi.spyOn(
      (service as unknown as { logger: { warn: (...args: unknown[]) => void } }).logger,
      'warn',
    );
    await http()
      .get(`/api/api-keys-test/sites/${siteId}/stats`)
      .set('Authorization', `Bearer ${key.key}`)
      .expect(200);
    await vi.waitFor(() => expect(warn).toHaveBeenCalledTimes(1));
    expect(warn.mock.calls[0][1]).toBe('Could not record the last use of an API key.');
    expect(JSON.stringify(warn.mock.calls)).not.toContain(key.key.slice(4));
  });

  it('should refuse key management to a viewer (403) and to an admin of another account (404)', async () => {
    const { accountId, admin } = await accountWithAdmin();
    const key = await createKey(accountId, admin, 'full');
    const viewer = await signedInUser(app, { accountId, role: 'viewer' });
    for (const call of [
      http().get(keysPath(accountId)),
      http().post(keysPath(accountId)).send({ name: 'mine', scope: 'full' }),
      http().delete(`${keysPath(accountId)}/${key.id}`),
    ]) {
      const res = await call.set('Cookie', viewer.cookie).expect(403);
      expect(res.body.message).toBe('This needs the admin role in this account; yours is viewer.');
    }

    const other = await accountWithAdmin();
    for (const call of [
      http().get(keysPath(accountId)),
      http().post(keysPath(accountId)).send({ name: 'mine', scope: 'full' }),
      http().delete(`${keysPath(accountId)}/${key.id}`),
    ]) {
      const res = await call.set('Cookie', other.admin.cookie).expect(404);
      expect(res.body.message).toBe('Account not found.');
    }
    // Nor through their own account's path: the key is not theirs.
    const res = await http()
      .delete(`${keysPath(other.accountId)}/${key.id}`)
      .set('Cookie', other.admin.cookie)
      .expect(404);
    expect(res.body.message).toMatch(/No active API key of this account/);
    const [row] = await dataSourceOf(app).query(
      'SELECT revoked_at, (SELECT count(*)::int FROM api_keys WHERE account_id = $2) AS created FROM api_keys WHERE id = $1',
      [key.id, accountId],
    );
    expect(row).toEqual({ revoked_at: null, created: 1 });
    const list = await http().get(keysPath(accountId)).set('Cookie', admin.cookie).expect(200);
    expect(list.body.map((listed: { id: string }) => listed.id)).toEqual([key.id]);
  });

  it('should delete the keys of a deleted account and keep a key whose creator is deleted', async () => {
    const { accountId, admin } = await accountWithAdmin();
    const key = await createKey(accountId, admin, 'full');
    const owner = await signedInUser(app, { accountId, role: 'owner' });
    await dataSourceOf(app).query('DELETE FROM users WHERE id = $1', [admin.userId]);
    const list = await http().get(keysPath(accountId)).set('Cookie', owner.cookie).expect(200);
    expect(list.body).toEqual([expect.objectContaining({ id: key.id, createdBy: null })]);
    await dataSourceOf(app).query('DELETE FROM sites WHERE account_id = $1', [accountId]);
    await dataSourceOf(app).query('DELETE FROM accounts WHERE id = $1', [accountId]);
    const [{ count }] = await dataSourceOf(app).query(
      'SELECT count(*)::int AS count FROM api_keys WHERE id = $1',
      [key.id],
    );
    expect(count).toBe(0);
  });

  it('should document the key routes in OpenAPI: people only, the key shown once, the error bodies', async () => {
    const { body: document } = await http().get('/api/docs-json').expect(200);
    const collection = document.paths['/api/accounts/{accountId}/api-keys'];
    const one = document.paths['/api/accounts/{accountId}/api-keys/{keyId}'];
    for (const operation of [collection.post, collection.get, one.delete]) {
      expect(operation.tags).toEqual(['api-keys']);
      expect(operation.summary).toEqual(expect.any(String));
      expect(operation.security).toEqual([{ session: [] }]);
      for (const status of ['401', '403', '404']) {
        expect(operation.responses[status].content['application/json'].schema.$ref).toBe(
          '#/components/schemas/ErrorBodyDto',
        );
      }
    }
    expect(collection.post.requestBody.content['application/json'].schema.$ref).toBe(
      '#/components/schemas/CreateApiKeyDto',
    );
    expect(collection.post.responses['201'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/CreatedApiKeyDto',
    );
    expect(collection.get.responses['200'].content['application/json'].schema).toEqual({
      type: 'array',
      items: { $ref: '#/components/schemas/ApiKeyDto' },
    });
    expect(one.delete.responses).toHaveProperty('204');
    const { schemas } = document.components;
    expect(schemas.CreatedApiKeyDto.properties.key.description).toMatch(/shown this once/);
    expect(Object.keys(schemas.ApiKeyDto.properties)).not.toContain('key');
    expect(schemas.CreateApiKeyDto.properties.scope.enum).toEqual(['stats:read', 'full']);
  });
});
