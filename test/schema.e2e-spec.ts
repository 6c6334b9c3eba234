import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { MIGRATIONS } from '../src/database/data-source-options.js';
import { runMigrations } from '../src/database/run-migrations.js';
import { createEmptyDatabase, openDataSource } from './utils/data-source.js';
import { makeSite } from './utils/factories.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

const MIGRATION_NAMES = MIGRATIONS.map((migration) => new migration().name);

/** The SQL TypeORM would run to bring the schema in line with the entities. */
async function pendingSchemaChanges(dataSource: DataSource): Promise<string[]> {
  const log = await dataSource.driver.createSchemaBuilder().log();
  return log.upQueries.map((query) => query.query);
}

async function appliedMigrations(dataSource: DataSource): Promise<string[]> {
  const rows: { name: string }[] = await dataSource.query(
    'SELECT name FROM migrations ORDER BY id',
  );
  return rows.map((row) => row.name);
}

async function publicTables(dataSource: DataSource): Promise<string[]> {
  const rows: { table_name: string }[] = await dataSource.query(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  return rows.map((row) => row.table_name);
}

/**
 * The schema as PostgreSQL sees it: columns, constraints, indexes and triggers, so two databases
 * can be compared independently of TypeORM.
 */
async function describeSchema(dataSource: DataSource): Promise<Record<string, string[]>> {
  const lines = async (sql: string): Promise<string[]> =>
    (await dataSource.query<{ line: string }[]>(sql)).map((row) => row.line);
  return {
    columns: await lines(
      `SELECT concat_ws(' ', table_name, column_name, data_type, character_maximum_length,
                        is_nullable, column_default) AS line
         FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1`,
    ),
    constraints: await lines(
      `SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS line
         FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1`,
    ),
    indexes: await lines(
      `SELECT indexdef AS line FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1`,
    ),
    triggers: await lines(
      `SELECT tgrelid::regclass || ' ' || pg_get_triggerdef(oid) AS line
         FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1`,
    ),
  };
}

const APP_TABLES = [
  'accounts',
  'audit_log',
  'api_keys',
  'events',
  'filtered_traffic',
  'goals',
  'invitations',
  'memberships',
  'page_views',
  'password_resets',
  'received_events',
  'sessions',
  'shared_links',
  'sites',
  'stats_day_columns',
  'stats_day_values',
  'stats_days',
  'stats_hours',
  'stats_span_values',
  'stats_spans',
  'user_sessions',
  'users',
  'visitors',
];

/** Reverts the latest migrations until `count` remain applied (those after the one a test is about). */
async function undoDownTo(dataSource: DataSource, count: number): Promise<void> {
  while ((await appliedMigrations(dataSource)).length > count) {
    await dataSource.undoLastMigration({ transaction: 'each' });
  }
}

describe('database schema', () => {
  describe('a database migrated at start-up', () => {
    let db: TestDatabase;
    let dataSource: DataSource;

    beforeAll(async () => {
      db = await createTestDatabase();
      dataSource = await openDataSource(db.url);
    });

    afterAll(async () => {
      await dataSource?.destroy();
      await db?.drop();
    });

    it('should have recorded every migration exactly once and created every table', async () => {
      expect(await appliedMigrations(dataSource)).toEqual(MIGRATION_NAMES);
      expect(await publicTables(dataSource)).toEqual([...APP_TABLES, 'migrations'].sort());
    });

    it('should leave the TypeORM schema builder nothing to do after the migrations', async () => {
      const queries = await pendingSchemaChanges(dataSource);
      expect(
        queries,
        `The entities and the migrations disagree; the schema builder would run:\n${queries.join(';\n')}`,
      ).toHaveLength(0);
    });
  });

  describe('migrating a fresh database', () => {
    let db: TestDatabase;
    const dataSources: DataSource[] = [];
    /** The schema of a database migrated by the test run's global setup. */
    let reference: Record<string, string[]>;

    beforeAll(async () => {
      const migrated = await createTestDatabase();
      const referenceSource = await openDataSource(migrated.url);
      reference = await describeSchema(referenceSource);
      await referenceSource.destroy();
      await migrated.drop();

      db = await createEmptyDatabase();
      for (let i = 0; i < 2; i += 1) dataSources.push(await openDataSource(db.url));
    });

    afterAll(async () => {
      for (const dataSource of dataSources) await dataSource.destroy();
      await db?.drop();
    });

    it('should let two replicas migrate an empty database at the same time, applying each migration once', async () => {
      expect(await publicTables(dataSources[0])).toEqual([]);

      const results = await Promise.allSettled(dataSources.map((ds) => runMigrations(ds)));

      for (const result of results) {
        expect(result.status, String((result as PromiseRejectedResult).reason)).toBe('fulfilled');
      }
      const applied = results.flatMap((result) =>
        result.status === 'fulfilled' ? result.value : [],
      );
      // One replica applied everything, the other found nothing left to do.
      expect(applied.sort()).toEqual([...MIGRATION_NAMES].sort());
      const rows: { name: string; copies: number }[] = await dataSources[0].query(
        'SELECT name, count(*)::int AS copies FROM migrations GROUP BY name ORDER BY name',
      );
      expect(rows).toEqual([...MIGRATION_NAMES].sort().map((name) => ({ name, copies: 1 })));
      expect(await describeSchema(dataSources[0])).toEqual(reference);
    });

    it('should revert every migration and apply them all again (down, then up)', async () => {
      const dataSource = dataSources[0];
      // Some data, so the down migrations are shown to cope with non-empty tables.
      await makeSite(dataSource);

      for (let reverted = 0; (await appliedMigrations(dataSource)).length > 0; reverted += 1) {
        expect(reverted, 'undoLastMigration did not remove a migration').toBeLessThan(
          MIGRATION_NAMES.length,
        );
        await dataSource.undoLastMigration({ transaction: 'each' });
      }
      expect(await publicTables(dataSource)).toEqual(['migrations']);
      const leftovers: { proname: string }[] = await dataSource.query(
        `SELECT proname FROM pg_proc WHERE proname LIKE 'trackveil\\_%'`,
      );
      expect(leftovers).toEqual([]);

      expect(await runMigrations(dataSource)).toEqual(MIGRATION_NAMES);
      expect(await appliedMigrations(dataSource)).toEqual(MIGRATION_NAMES);
      // Exactly the schema the migrations first built: tables, constraints, indexes, triggers.
      expect(await describeSchema(dataSource)).toEqual(reference);
      const site = await makeSite(dataSource);
      expect(site.id).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('CHECK constraints', () => {
    let db: TestDatabase;
    let dataSource: DataSource;
    let siteId: string;
    let visitorId: string;
    let sessionId: string;
    let accountId: string;

    const PAGE_VIEW_DEFAULTS: Record<string, unknown> = {
      created_at: new Date('2026-06-01T12:00:00Z'),
      url: 'https://example.com/',
      hostname: 'example.com',
      path: '/',
      screen_width: 1920,
      screen_height: 1080,
      load_time_ms: 420,
      device_type: 'desktop',
    };

    const insertPageView = (overrides: Record<string, unknown> = {}) => {
      const row = {
        ...PAGE_VIEW_DEFAULTS,
        site_id: siteId,
        visitor_id: visitorId,
        session_id: sessionId,
        ...overrides,
      };
      const columns = Object.keys(row);
      return dataSource.query(
        `INSERT INTO page_views (${columns.join(', ')})
         VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
        Object.values(row),
      );
    };

    /** The SQLSTATE and constraint of the error `statement` fails with. */
    const failure = async (statement: Promise<unknown>) => {
      try {
        await statement;
      } catch (error) {
        const driverError = ((error as { driverError?: unknown }).driverError ?? error) as {
          code?: string;
          constraint?: string;
        };
        return { code: driverError.code, constraint: driverError.constraint };
      }
      throw new Error('The statement succeeded; a CHECK constraint should have refused it.');
    };

    const countPageViews = async (): Promise<number> => {
      const [{ n }]: { n: number }[] = await dataSource.query(
        'SELECT count(*)::int AS n FROM page_views WHERE site_id = $1',
        [siteId],
      );
      return n;
    };

    beforeAll(async () => {
      db = await createTestDatabase();
      dataSource = await openDataSource(db.url);
      const site = await makeSite(dataSource);
      siteId = site.id;
      accountId = site.accountId;
      [{ id: visitorId }] = await dataSource.query(
        `INSERT INTO visitors (site_id, fingerprint_hash, first_seen_at, last_seen_at)
         VALUES ($1, $2, now(), now()) RETURNING id`,
        [siteId, 'a'.repeat(64)],
      );
      sessionId = randomUUID();
      await dataSource.query(
        `INSERT INTO sessions (id, site_id, visitor_id, started_at, last_activity_at, entry_path, exit_path)
         VALUES ($1, $2, $3, now(), now(), '/', '/')`,
        [sessionId, siteId, visitorId],
      );
    });

    afterAll(async () => {
      await dataSource?.destroy();
      await db?.drop();
    });

    it('should accept a valid page view (the fixture the refusals below start from)', async () => {
      await insertPageView();
      expect(await countPageViews()).toBe(1);
    });

    it.each([
      ['a negative screen_width', { screen_width: -1 }, 'CHK_page_views_screen'],
      ['a screen_height over 100000', { screen_height: 100_001 }, 'CHK_page_views_screen'],
      ['a load_time_ms over 600000', { load_time_ms: 600_001 }, 'CHK_page_views_load_time_ms'],
      ['an unknown device_type', { device_type: 'toaster' }, 'CHK_page_views_device_type'],
    ])('should refuse a page view with %s, storing nothing', async (_, overrides, constraint) => {
      const before = await countPageViews();
      expect(await failure(insertPageView(overrides))).toEqual({ code: '23514', constraint });
      expect(await countPageViews()).toBe(before);
    });

    it.each([
      ['upper-case digits', 'F'.repeat(64)],
      ['a letter past f', `${'a'.repeat(63)}g`],
      ['63 digits', 'a'.repeat(63)],
      ['a space inside', `${'a'.repeat(31)} ${'a'.repeat(32)}`],
    ])('should refuse a visitor whose fingerprint_hash has %s', async (_, hash) => {
      expect(
        await failure(
          dataSource.query(
            `INSERT INTO visitors (site_id, fingerprint_hash, first_seen_at, last_seen_at)
             VALUES ($1, $2, now(), now())`,
            [siteId, hash],
          ),
        ),
      ).toEqual({ code: '23514', constraint: 'CHK_visitors_fingerprint_hash' });
    });

    it('should accept a fingerprint_hash of 64 lower-case hex digits', async () => {
      const hash = '0123456789abcdef'.repeat(4);
      await dataSource.query(
        `INSERT INTO visitors (site_id, fingerprint_hash, first_seen_at, last_seen_at)
         VALUES ($1, $2, now(), now())`,
        [siteId, hash],
      );
      const rows: unknown[] = await dataSource.query(
        'SELECT 1 FROM visitors WHERE fingerprint_hash = $1',
        [hash],
      );
      expect(rows).toHaveLength(1);
    });

    it('should refuse a visitor last seen before first seen', async () => {
      expect(
        await failure(
          dataSource.query(
            `INSERT INTO visitors (site_id, fingerprint_hash, first_seen_at, last_seen_at)
             VALUES ($1, $2, now(), now() - interval '1 second')`,
            [siteId, 'b'.repeat(64)],
          ),
        ),
      ).toEqual({ code: '23514', constraint: 'CHK_visitors_seen_order' });
    });

    it('should refuse a site whose fingerprint salt is not 32 bytes', async () => {
      expect(
        await failure(
          dataSource.query(
            `INSERT INTO sites (account_id, name, domain, fingerprint_salt) VALUES ($1, 'x', 'example.com', $2)`,
            [accountId, randomBytes(16)],
          ),
        ),
      ).toEqual({ code: '23514', constraint: 'CHK_sites_fingerprint_salt_length' });
    });

    it('should refuse a user whose e-mail address is not lowercase', async () => {
      expect(
        await failure(dataSource.query(`INSERT INTO users (email) VALUES ('Ann@Example.com')`)),
      ).toEqual({ code: '23514', constraint: 'CHK_users_email_format' });
    });

    it('should refuse a second user with the same e-mail address', async () => {
      await dataSource.query(`INSERT INTO users (email) VALUES ('same@example.com')`);
      expect(
        await failure(dataSource.query(`INSERT INTO users (email) VALUES ('same@example.com')`)),
      ).toEqual({ code: '23505', constraint: 'UQ_users_email' });
      const rows: unknown[] = await dataSource.query(
        `SELECT 1 FROM users WHERE email = 'same@example.com'`,
      );
      expect(rows).toHaveLength(1);
    });

    it.each([['member'], ['Owner'], ['']])(
      'should refuse a membership with the role %j',
      async (role) => {
        const [{ id: userId }]: { id: string }[] = await dataSource.query(
          `INSERT INTO users (email) VALUES ($1) RETURNING id`,
          [`role-${randomUUID()}@example.com`],
        );
        expect(
          await failure(
            dataSource.query(
              `INSERT INTO memberships (account_id, user_id, role) VALUES ($1, $2, $3)`,
              [accountId, userId, role],
            ),
          ),
        ).toEqual({ code: '23514', constraint: 'CHK_memberships_role' });
      },
    );

    it('should refuse a second membership of the same user in the same account', async () => {
      const [{ id: userId }]: { id: string }[] = await dataSource.query(
        `INSERT INTO users (email) VALUES ($1) RETURNING id`,
        [`twice-${randomUUID()}@example.com`],
      );
      const insert = (role: string) =>
        dataSource.query(
          `INSERT INTO memberships (account_id, user_id, role) VALUES ($1, $2, $3)`,
          [accountId, userId, role],
        );
      await insert('viewer');
      expect(await failure(insert('admin'))).toEqual({
        code: '23505',
        constraint: 'PK_memberships',
      });
    });

    it('should delete the memberships of a deleted user and of a deleted account, not the other side', async () => {
      const other = await makeSite(dataSource);
      const [{ id: userId }]: { id: string }[] = await dataSource.query(
        `INSERT INTO users (email) VALUES ($1) RETURNING id`,
        [`cascade-${randomUUID()}@example.com`],
      );
      const [{ id: keptUserId }]: { id: string }[] = await dataSource.query(
        `INSERT INTO users (email) VALUES ($1) RETURNING id`,
        [`kept-${randomUUID()}@example.com`],
      );
      await dataSource.query(
        `INSERT INTO memberships (account_id, user_id, role)
         VALUES ($1, $2, 'owner'), ($3, $2, 'viewer'), ($3, $4, 'admin')`,
        [accountId, userId, other.accountId, keptUserId],
      );
      const memberships = async (): Promise<string[]> =>
        (
          await dataSource.query<{ line: string }[]>(
            `SELECT u.email || ' ' || m.role AS line FROM memberships m JOIN users u ON u.id = m.user_id
              WHERE m.user_id IN ($1, $2) ORDER BY 1`,
            [userId, keptUserId],
          )
        ).map((row) => row.line);
      expect(await memberships()).toHaveLength(3);

      await dataSource.query('DELETE FROM users WHERE id = $1', [userId]);
      expect(await memberships()).toEqual([expect.stringMatching(/^kept-.* admin$/)]);

      await dataSource.query('DELETE FROM accounts WHERE id = $1', [other.accountId]);
      expect(await memberships()).toEqual([]);
      const users: unknown[] = await dataSource.query('SELECT 1 FROM users WHERE id = $1', [
        keptUserId,
      ]);
      expect(users).toHaveLength(1);
    });
  });

  describe('the AccountMemberships migration', () => {
    let db: TestDatabase;
    let dataSource: DataSource;
    const previous = MIGRATION_NAMES.indexOf('AccountMemberships1764676800000') - 1;

    beforeAll(async () => {
      db = await createEmptyDatabase();
      dataSource = await openDataSource(db.url);
    });

    afterAll(async () => {
      await dataSource?.destroy();
      await db?.drop();
    });

    it('should carry each existing user over as a member of its account, and back on down()', async () => {
      expect(previous).toBeGreaterThanOrEqual(0);
      await runMigrations(dataSource);
      // Back to the schema before it, where users.account_id and users.role exist.
      await undoDownTo(dataSource, previous + 1);
      expect(await appliedMigrations(dataSource)).toEqual(MIGRATION_NAMES.slice(0, previous + 1));

      const [{ id: accountId }]: { id: string }[] = await dataSource.query(
        `INSERT INTO accounts (name) VALUES ('Carried over') RETURNING id`,
      );
      const users: { id: string; email: string }[] = await dataSource.query(
        `INSERT INTO users (account_id, email, name, role)
         VALUES ($1, 'owner@example.com', 'Olive', 'owner'), ($1, 'member@example.com', NULL, 'member')
         RETURNING id, email`,
        [accountId],
      );
      const idOf = (email: string) => users.find((user) => user.email === email)?.id;

      await runMigrations(dataSource);
      expect(await appliedMigrations(dataSource)).toEqual(MIGRATION_NAMES);
      const memberships: { user_id: string; account_id: string; role: string }[] =
        await dataSource.query('SELECT user_id, account_id, role FROM memberships ORDER BY role');
      expect(memberships).toEqual([
        { user_id: idOf('owner@example.com'), account_id: accountId, role: 'owner' },
        { user_id: idOf('member@example.com'), account_id: accountId, role: 'viewer' },
      ]);
      const carried: { email: string; name: string | null; password_hash: string | null }[] =
        await dataSource.query('SELECT email, name, password_hash FROM users ORDER BY email');
      expect(carried).toEqual([
        { email: 'member@example.com', name: null, password_hash: null },
        { email: 'owner@example.com', name: 'Olive', password_hash: null },
      ]);
      expect(await pendingSchemaChanges(dataSource)).toEqual([]);

      await undoDownTo(dataSource, previous + 2);
      await dataSource.undoLastMigration({ transaction: 'each' });
      const restored: { id: string; account_id: string; role: string }[] = await dataSource.query(
        'SELECT id, account_id, role FROM users ORDER BY email',
      );
      expect(restored).toEqual([
        { id: idOf('member@example.com'), account_id: accountId, role: 'member' },
        { id: idOf('owner@example.com'), account_id: accountId, role: 'owner' },
      ]);
      expect(await publicTables(dataSource)).not.toContain('memberships');
    });

    it('should refuse to revert while a user belongs to no account, changing nothing', async () => {
      await runMigrations(dataSource);
      await dataSource.query(`INSERT INTO users (email) VALUES ('alone@example.com')`);
      await undoDownTo(dataSource, previous + 2);

      await expect(dataSource.undoLastMigration({ transaction: 'each' })).rejects.toThrow(
        /alone@example\.com/,
      );
      expect(await appliedMigrations(dataSource)).toEqual(MIGRATION_NAMES.slice(0, previous + 2));
      expect(await publicTables(dataSource)).toContain('memberships');
    });
  });
});
