import type { NestExpressApplication } from '@nestjs/platform-express';
import type { DataSource } from 'typeorm';
import { DomainError } from '../src/common/domain-error.js';
import { SitesService } from '../src/sites/sites.service.js';
import { PasswordRefusedError, UsersService } from '../src/users/users.service.js';
import { makeSite } from './utils/factories.js';
import { createTestApp, dataSourceOf } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

const GOOD_PASSWORD = 'correct horse battery staple';

describe('UsersService against PostgreSQL', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let dataSource: DataSource;
  let users: UsersService;

  const storedUser = async (email: string) => {
    const rows: { id: string; email: string; name: string | null; password_hash: string | null }[] =
      await dataSource.query('SELECT id, email, name, password_hash FROM users WHERE email = $1', [
        email,
      ]);
    return rows[0];
  };
  const countUsers = async (): Promise<number> => {
    const [{ n }]: { n: number }[] = await dataSource.query('SELECT count(*)::int AS n FROM users');
    return n;
  };
  const domainErrorOf = async (work: Promise<unknown>): Promise<DomainError> => {
    const error: unknown = await work.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({ databaseUrl: db.url });
    dataSource = dataSourceOf(app);
    users = app.get(UsersService);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('should store a trimmed, lower-cased e-mail address and an argon2id hash of the password', async () => {
    const user = await users.create({
      email: '  Ann@Example.COM ',
      name: ' Ann ',
      password: GOOD_PASSWORD,
    });

    const row = await storedUser('ann@example.com');
    expect(row).toEqual({
      id: user.id,
      email: 'ann@example.com',
      name: 'Ann',
      password_hash: expect.stringMatching(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/),
    });
    expect(row.password_hash).not.toContain(GOOD_PASSWORD);
  });

  it('should refuse a second user with the same e-mail address in another case, as email_taken', async () => {
    const before = await countUsers();
    const error = await domainErrorOf(users.create({ email: 'ANN@example.com' }));
    expect(error.code).toBe('email_taken');
    expect(error.message).toContain('ann@example.com already exists');
    expect(await countUsers()).toBe(before);
  });

  it('should refuse a short, common password with every reason, storing nothing', async () => {
    const before = await countUsers();
    const error = await domainErrorOf(
      users.create({ email: 'bob@example.com', password: 'password' }),
    );
    expect(error).toBeInstanceOf(PasswordRefusedError);
    expect(error.code).toBe('password_refused');
    expect(
      (error as PasswordRefusedError).refusals.map((refusal) => refusal.reason).sort(),
    ).toEqual(['common', 'too_short'].sort());
    expect(await countUsers()).toBe(before);
    expect(await storedUser('bob@example.com')).toBeUndefined();
  });

  it.each([['no-at-sign'], ['@example.com'], ['ann@'], ['a b@example.com']])(
    'should refuse the e-mail address %j as invalid_email',
    async (email) => {
      const before = await countUsers();
      expect((await domainErrorOf(users.create({ email }))).code).toBe('invalid_email');
      expect(await countUsers()).toBe(before);
    },
  );

  it('should create a user without a password, added to an account with a role in the same step', async () => {
    const site = await makeSite(dataSource);
    const user = await users.create({
      email: 'viewer@example.com',
      membership: { accountId: site.accountId, role: 'viewer' },
    });
    expect((await storedUser('viewer@example.com')).password_hash).toBeNull();
    const rows: unknown[] = await dataSource.query(
      'SELECT account_id, role FROM memberships WHERE user_id = $1',
      [user.id],
    );
    expect(rows).toEqual([{ account_id: site.accountId, role: 'viewer' }]);
  });

  it('should add a user to several accounts, one role in each, and refuse a second membership of one account', async () => {
    const user = await users.create({ email: 'multi@example.com' });
    const first = await makeSite(dataSource);
    const second = await makeSite(dataSource);
    await users.addMember(first.accountId, user.id, 'admin');
    await users.addMember(second.accountId, user.id, 'owner');

    const error = await domainErrorOf(users.addMember(first.accountId, user.id, 'viewer'));
    expect(error.code).toBe('membership_exists');
    const rows: { account_id: string; role: string }[] = await dataSource.query(
      'SELECT account_id, role FROM memberships WHERE user_id = $1 ORDER BY role',
      [user.id],
    );
    expect(rows).toEqual([
      { account_id: first.accountId, role: 'admin' },
      { account_id: second.accountId, role: 'owner' },
    ]);
  });

  it('should list users with their memberships and whether they have a password, never the hash', async () => {
    const list = await users.list();
    const ann = list.find((user) => user.email === 'ann@example.com');
    const multi = list.find((user) => user.email === 'multi@example.com');
    expect(ann).toMatchObject({ name: 'Ann', hasPassword: true, memberships: [] });
    expect(multi?.hasPassword).toBe(false);
    expect(multi?.memberships.map((membership) => membership.role).sort()).toEqual([
      'admin',
      'owner',
    ]);
    expect(JSON.stringify(list)).not.toContain('$argon2');
  });

  it('should find a user by e-mail address in any case, without its hash', async () => {
    const found = await users.findByEmail(' ANN@example.com');
    expect(found?.email).toBe('ann@example.com');
    expect(found).not.toHaveProperty('passwordHash');
    expect(await users.findByEmail('nobody@example.com')).toBeNull();
  });

  it('should make an existing user owner of a new account when sites create names their e-mail', async () => {
    const sites = app.get(SitesService);
    const site = await sites.create({
      name: 'Owned',
      domain: 'owned.example',
      ownerEmail: 'Multi@Example.com',
    });
    const rows: { email: string; role: string }[] = await dataSource.query(
      `SELECT u.email, m.role FROM memberships m JOIN users u ON u.id = m.user_id
        WHERE m.account_id = $1`,
      [site.accountId],
    );
    expect(rows).toEqual([{ email: 'multi@example.com', role: 'owner' }]);
    const [{ n }]: { n: number }[] = await dataSource.query(
      `SELECT count(*)::int AS n FROM users WHERE email = 'multi@example.com'`,
    );
    expect(n).toBe(1);
  });
});
