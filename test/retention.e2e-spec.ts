import { randomBytes, randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { AuditService } from '../src/audit/audit.service.js';
import { RetentionJob } from '../src/sites/retention-job.js';
import { signedInUser, type SignedInUser } from './utils/auth.js';
import { makeSite } from './utils/factories.js';
import { parsePrometheus, sampleValue } from './utils/prometheus.js';
import { FakeClock } from './utils/fake-clock.js';
import { createTestApp, dataSourceOf } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

// 2026-06-01T12:00Z minus 3 calendar months, in UTC.
const NOW = '2026-06-01T12:00:00.000Z';
const CUTOFF = '2026-03-01T12:00:00.000Z';

interface Visit {
  start: string;
  pageViews: string[];
  events?: string[];
}

/** A visitor with its visits, made with SQL; the triggers keep the counters as ingestion would. */
async function seedVisitor(
  dataSource: DataSource,
  siteId: string,
  visits: Visit[],
): Promise<string> {
  const [{ id }]: { id: string }[] = await dataSource.query(
    `INSERT INTO visitors (site_id, fingerprint_hash, first_seen_at, last_seen_at)
     VALUES ($1, $2, $3, $3) RETURNING id`,
    [siteId, randomBytes(32).toString('hex'), visits[0].start],
  );
  for (const visit of visits) {
    const sessionId = randomUUID();
    await dataSource.query(
      `INSERT INTO sessions (id, site_id, visitor_id, started_at, last_activity_at, entry_path, exit_path)
       VALUES ($1, $2, $3, $4, $4, '/', '/')`,
      [sessionId, siteId, id, visit.start],
    );
    await dataSource.query(
      `INSERT INTO page_views (created_at, site_id, visitor_id, session_id, url, hostname, path, device_type)
       SELECT t, $1, $2, $3, 'https://example.com/', 'example.com', '/', 'desktop'
         FROM unnest($4::timestamptz[]) t`,
      [siteId, id, sessionId, visit.pageViews],
    );
    await dataSource.query(
      `INSERT INTO events (created_at, site_id, visitor_id, session_id, name, url, hostname, path)
       SELECT t, $1, $2, $3, 'Signup', 'https://example.com/', 'example.com', '/'
         FROM unnest($4::timestamptz[]) t`,
      [siteId, id, sessionId, visit.events ?? []],
    );
  }
  return id;
}

/** The four kinds of visitor the job treats differently. */
async function seedSite(dataSource: DataSource, siteId: string) {
  return {
    // Gone entirely: its only visit is older than the cutoff.
    old: await seedVisitor(dataSource, siteId, [
      {
        start: '2026-01-10T10:00:00Z',
        pageViews: ['2026-01-10T10:00:00Z', '2026-01-10T10:05:00Z'],
        events: ['2026-01-10T10:06:00Z'],
      },
    ]),
    // Came back after the cutoff: the old visit goes, the visitor and the new visit stay.
    returning: await seedVisitor(dataSource, siteId, [
      {
        start: '2026-01-20T08:00:00Z',
        pageViews: ['2026-01-20T08:00:00Z', '2026-01-20T08:01:00Z'],
      },
      {
        start: '2026-05-10T09:00:00Z',
        pageViews: ['2026-05-10T09:00:00Z', '2026-05-10T09:02:00Z', '2026-05-10T09:04:00Z'],
        events: ['2026-05-10T09:03:00Z'],
      },
    ]),
    // A visit that started 10 minutes before the cutoff and went on after it: it goes whole.
    spanning: await seedVisitor(dataSource, siteId, [
      {
        start: '2026-03-01T11:50:00Z',
        pageViews: ['2026-03-01T11:50:00Z', '2026-03-01T12:10:00Z'],
        events: ['2026-03-01T12:05:00Z'],
      },
    ]),
    recent: await seedVisitor(dataSource, siteId, [
      {
        start: '2026-04-01T00:00:00Z',
        pageViews: ['2026-04-01T00:00:00Z', '2026-04-01T00:03:00Z'],
      },
    ]),
  };
}

/** Every traffic row of a site, by table, as comparable text. */
async function snapshot(dataSource: DataSource, siteId: string): Promise<Record<string, unknown>> {
  const rows = async (sql: string) => dataSource.query(sql, [siteId]);
  return {
    visitors: await rows(
      `SELECT id, first_seen_at, last_seen_at, total_visits, total_page_views, last_session_id
         FROM visitors WHERE site_id = $1 ORDER BY id`,
    ),
    sessions: await rows(
      'SELECT id, started_at, last_activity_at, page_view_count FROM sessions WHERE site_id = $1 ORDER BY id',
    ),
    pageViews: await rows('SELECT id, created_at FROM page_views WHERE site_id = $1 ORDER BY id'),
    events: await rows('SELECT id, created_at FROM events WHERE site_id = $1 ORDER BY id'),
  };
}

/** Counters that disagree with the rows they count; empty when all agree. */
async function inconsistentCounters(dataSource: DataSource, siteId: string): Promise<unknown[]> {
  return dataSource.query(
    `SELECT 'session' AS kind, s.id FROM sessions s
      WHERE s.site_id = $1
        AND s.page_view_count <> (SELECT count(*) FROM page_views p WHERE p.session_id = s.id)
     UNION ALL
     SELECT 'visitor', v.id FROM visitors v
      WHERE v.site_id = $1
        AND (v.total_visits <> (SELECT count(*) FROM sessions s WHERE s.visitor_id = v.id)
          OR v.total_page_views <> (SELECT count(*) FROM page_views p WHERE p.visitor_id = v.id)
          OR (v.last_session_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.id = v.last_session_id)))`,
    [siteId],
  );
}

/** Leaves `siteId` the only site the job works on, so a run's figures and batches are its own. */
async function onlySiteWithRetention(dataSource: DataSource, siteId: string): Promise<void> {
  await dataSource.query('UPDATE sites SET retention_months = NULL WHERE id <> $1', [siteId]);
}

async function visitorsOf(dataSource: DataSource, siteId: string): Promise<string[]> {
  const rows: { id: string }[] = await dataSource.query(
    'SELECT id FROM visitors WHERE site_id = $1 ORDER BY id',
    [siteId],
  );
  return rows.map((row) => row.id);
}

describe('data retention (sites.retention_months, RetentionJob)', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let dataSource: DataSource;
  let job: RetentionJob;
  const clock = new FakeClock(Date.parse(NOW));

  const TABLES = ['page_views', 'events', 'sessions', 'visitors'] as const;
  /** `trackveil_retention_deleted_rows_total` per table, as /metrics shows it. */
  const deletedRowCounters = async (): Promise<Record<(typeof TABLES)[number], number>> => {
    const res = await request(app.getHttpServer()).get('/metrics').expect(200);
    const samples = parsePrometheus(res.text);
    return Object.fromEntries(
      TABLES.map((table) => [
        table,
        sampleValue(samples, 'trackveil_retention_deleted_rows_total', { table }),
      ]),
    ) as Record<(typeof TABLES)[number], number>;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({ databaseUrl: db.url, clock });
    dataSource = dataSourceOf(app);
    job = app.get(RetentionJob);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  describe('the job', () => {
    it('should delete exactly the traffic older than the cutoff of a site keeping 3 months, and nothing of a site keeping all', async () => {
      const kept = await makeSite(dataSource, { retentionMonths: 3 });
      const forever = await makeSite(dataSource);
      const visitors = await seedSite(dataSource, kept.id);
      await seedSite(dataSource, forever.id);
      const foreverBefore = await snapshot(dataSource, forever.id);
      const before = await snapshot(dataSource, kept.id);
      const countersBefore = await deletedRowCounters();

      const run = await job.run();

      expect(run).toEqual({
        ran: true,
        complete: true,
        // old: 2 + returning's old visit: 2 + spanning: 1 before the cutoff (1 more by cascade).
        deleted: { page_views: 5, events: 1, sessions: 3, visitors: 1 },
      });
      expect(await snapshot(dataSource, forever.id)).toEqual(foreverBefore);
      expect(await inconsistentCounters(dataSource, kept.id)).toEqual([]);
      const countersAfter = await deletedRowCounters();
      expect(
        Object.fromEntries(
          TABLES.map((table) => [table, countersAfter[table] - countersBefore[table]]),
        ),
      ).toEqual(run.deleted);

      const after = await snapshot(dataSource, kept.id);
      const [cutoffCheck] = await dataSource.query(
        `SELECT (SELECT count(*)::int FROM page_views WHERE site_id = $1 AND created_at < $2) AS page_views,
                (SELECT count(*)::int FROM events WHERE site_id = $1 AND created_at < $2) AS events,
                (SELECT count(*)::int FROM sessions WHERE site_id = $1 AND started_at < $2) AS sessions`,
        [kept.id, CUTOFF],
      );
      expect(cutoffCheck).toEqual({ page_views: 0, events: 0, sessions: 0 });
      // Every row from the cutoff on is still there, unchanged, except the spanning visit's.
      const [{ spanning_rows }] = await dataSource.query(
        `SELECT (SELECT count(*)::int FROM page_views WHERE visitor_id = $1)
              + (SELECT count(*)::int FROM events WHERE visitor_id = $1)
              + (SELECT count(*)::int FROM sessions WHERE visitor_id = $1) AS spanning_rows`,
        [visitors.spanning],
      );
      expect(spanning_rows).toBe(0);
      const newer = (rows: { created_at: Date }[]) =>
        rows.filter((row) => row.created_at >= new Date(CUTOFF));
      expect(after.pageViews).toEqual(
        newer(before.pageViews as { created_at: Date }[]).filter(
          (row) => row.created_at.toISOString() !== '2026-03-01T12:10:00.000Z',
        ),
      );
      expect(after.events).toEqual(
        newer(before.events as { created_at: Date }[]).filter(
          (row) => row.created_at.toISOString() !== '2026-03-01T12:05:00.000Z',
        ),
      );
      expect((after.sessions as unknown[]).length).toBe(2);

      // The visitor with a new visit keeps only that visit's counts; the one whose only visit
      // spanned the cutoff was last seen after it, so it stays (with nothing) until a later run.
      expect(await visitorsOf(dataSource, kept.id)).toEqual(
        [visitors.returning, visitors.spanning, visitors.recent].sort(),
      );
      const [returning] = await dataSource.query(
        'SELECT total_visits, total_page_views, first_seen_at FROM visitors WHERE id = $1',
        [visitors.returning],
      );
      expect(returning).toEqual({
        total_visits: 1,
        total_page_views: 3,
        first_seen_at: new Date('2026-01-20T08:00:00Z'),
      });

      // A day later the cutoff has passed the spanning visitor's last sighting.
      clock.advance(86_400_000);
      expect((await job.run()).deleted).toEqual({
        page_views: 0,
        events: 0,
        sessions: 0,
        visitors: 1,
      });
      expect(await visitorsOf(dataSource, kept.id)).toEqual(
        [visitors.returning, visitors.recent].sort(),
      );
      expect(await snapshot(dataSource, forever.id)).toEqual(foreverBefore);
    });

    it('should stop at its batch bound and resume where it stopped on the next run', async () => {
      const site = await makeSite(dataSource, { retentionMonths: 1 });
      for (let i = 0; i < 6; i++) {
        const start = `2026-02-0${i + 1}T10:00:00Z`;
        await seedVisitor(dataSource, site.id, [
          {
            start,
            pageViews: [start, start.replace('10:00', '10:01'), start.replace('10:00', '10:02')],
          },
        ]);
      }
      const recent = await seedVisitor(dataSource, site.id, [
        { start: '2026-05-20T10:00:00Z', pageViews: ['2026-05-20T10:00:00Z'] },
      ]);
      await onlySiteWithRetention(dataSource, site.id);

      const first = await job.run({ batchRows: 4, maxBatches: 3 });
      expect(first.complete).toBe(false);
      expect(first.deleted).toEqual({ page_views: 12, events: 0, sessions: 0, visitors: 0 });
      const [left] = await dataSource.query(
        'SELECT count(*)::int AS page_views FROM page_views WHERE site_id = $1',
        [site.id],
      );
      expect(left.page_views).toBe(6 * 3 + 1 - 12);

      const second = await job.run({ batchRows: 4 });
      expect(second.complete).toBe(true);
      expect(second.deleted).toEqual({ page_views: 6, events: 0, sessions: 6, visitors: 6 });
      expect(await visitorsOf(dataSource, site.id)).toEqual([recent]);
      expect(await inconsistentCounters(dataSource, site.id)).toEqual([]);
    });

    it('should skip its run while another replica holds the retention lock', async () => {
      const site = await makeSite(dataSource, { retentionMonths: 2 });
      await seedVisitor(dataSource, site.id, [
        { start: '2026-01-05T10:00:00Z', pageViews: ['2026-01-05T10:00:00Z'] },
      ]);
      await onlySiteWithRetention(dataSource, site.id);
      const other = dataSource.createQueryRunner();
      await other.connect();
      try {
        await other.query('SELECT pg_advisory_lock(7391204120)');
        const skipped = await job.run();
        expect(skipped.ran).toBe(false);
        expect(await visitorsOf(dataSource, site.id)).toHaveLength(1);
        await other.query('SELECT pg_advisory_unlock(7391204120)');
      } finally {
        await other.release();
      }
      expect((await job.run()).deleted.visitors).toBe(1);
      expect(await visitorsOf(dataSource, site.id)).toEqual([]);
    });
  });

  describe('retentionMonths in the sites API', () => {
    let admin: SignedInUser;
    let accountId: string;
    let siteId: string;
    let recorded: Parameters<AuditService['record']>[0][];
    const http = () => request(app.getHttpServer());

    beforeAll(async () => {
      const site = await makeSite(dataSource);
      siteId = site.id;
      accountId = site.accountId;
      admin = await signedInUser(app, { accountId, role: 'admin' });
      recorded = [];
      vi.spyOn(app.get(AuditService), 'record').mockImplementation(
        (entry) => void recorded.push(entry),
      );
    });

    it.each([0, 1201, 'x', '12', 2.5, -3])(
      'should refuse retentionMonths %j with a 400 naming the field, changing nothing',
      async (value) => {
        const created = await http()
          .post(`/api/accounts/${accountId}/sites`)
          .set('Cookie', admin.cookie)
          .send({ name: 'Kept', domain: 'kept.example', retentionMonths: value })
          .expect(400);
        expect(JSON.stringify(created.body.message)).toContain(
          'retentionMonths must be a whole number of months between 1 and 1200',
        );
        const patched = await http()
          .patch(`/api/sites/${siteId}`)
          .set('Cookie', admin.cookie)
          .send({ retentionMonths: value })
          .expect(400);
        expect(JSON.stringify(patched.body.message)).toContain('retentionMonths');
        const [row] = await dataSource.query('SELECT retention_months FROM sites WHERE id = $1', [
          siteId,
        ]);
        expect(row.retention_months).toBeNull();
      },
    );

    it('should create a site keeping 13 months or for ever (null or left out)', async () => {
      for (const [body, expected] of [
        [{ retentionMonths: 13 }, 13],
        [{ retentionMonths: null }, null],
        [{}, null],
      ] as const) {
        const res = await http()
          .post(`/api/accounts/${accountId}/sites`)
          .set('Cookie', admin.cookie)
          .send({ name: 'Kept', domain: 'kept.example', ...body })
          .expect(201);
        expect(res.body.retentionMonths).toBe(expected);
        const [row] = await dataSource.query('SELECT retention_months FROM sites WHERE id = $1', [
          res.body.id,
        ]);
        expect(row.retention_months).toBe(expected);
      }
    });

    it('should set retentionMonths, read it back, set it back to null and audit each change', async () => {
      recorded.length = 0;
      const set = await http()
        .patch(`/api/sites/${siteId}`)
        .set('Cookie', admin.cookie)
        .send({ retentionMonths: 1200 })
        .expect(200);
      expect(set.body.retentionMonths).toBe(1200);
      const read = await http().get(`/api/sites/${siteId}`).set('Cookie', admin.cookie).expect(200);
      expect(read.body.retentionMonths).toBe(1200);
      const cleared = await http()
        .patch(`/api/sites/${siteId}`)
        .set('Cookie', admin.cookie)
        .send({ retentionMonths: null })
        .expect(200);
      expect(cleared.body.retentionMonths).toBeNull();
      const [row] = await dataSource.query('SELECT retention_months FROM sites WHERE id = $1', [
        siteId,
      ]);
      expect(row.retention_months).toBeNull();
      expect(recorded.map((entry) => [entry.action, entry.details])).toEqual([
        ['site.updated', { fields: ['retentionMonths'] }],
        ['site.updated', { fields: ['retentionMonths'] }],
      ]);
    });

    it('should describe retentionMonths in the OpenAPI document as a nullable whole number', async () => {
      const res = await http().get('/api/docs-json').expect(200);
      const schemas = res.body.components.schemas as Record<
        string,
        { properties: Record<string, Record<string, unknown>> }
      >;
      for (const dto of ['SiteDto', 'CreateSiteDto', 'UpdateSiteDto']) {
        expect(schemas[dto].properties.retentionMonths).toMatchObject({
          type: 'integer',
          nullable: true,
          minimum: 1,
          maximum: 1200,
        });
      }
    });

    it('should refuse a value outside 1 to 1200 in the database too', async () => {
      await expect(
        dataSource.query('UPDATE sites SET retention_months = 0 WHERE id = $1', [siteId]),
      ).rejects.toThrow(/CHK_sites_retention_months/);
    });
  });
});
