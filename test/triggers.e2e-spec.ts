import pg from 'pg';
import type { DataSource } from 'typeorm';
import { makeSite } from './utils/factories.js';
import { openDataSource } from './utils/data-source.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

describe('the counter triggers', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let client: pg.Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await openDataSource(db.url);
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
    await dataSource?.destroy();
    await db?.drop();
  });

  /**
   * A batch as ingestion writes it: a new session and a page view for each visitor, in one
   * transaction of `client`. Returns how many rows of visitors and sessions it read, by sequential
   * scans and by index scans together.
   */
  /** Rows of visitors and sessions read so far by `client`, by sequential and index scans. */
  async function rowsRead(): Promise<Record<string, number>> {
    // The backend's own statistics, not yet sent to the cumulative ones.
    const { rows } = await client.query<{ relname: string; rows_read: string }>(
      `SELECT relname, seq_tup_read + coalesce(idx_tup_fetch, 0) AS rows_read
         FROM pg_stat_xact_user_tables WHERE relname IN ('visitors', 'sessions')`,
    );
    return Object.fromEntries(rows.map((row) => [row.relname, Number(row.rows_read)]));
  }

  /**
   * A batch as ingestion writes it: a new session and a page view for each visitor, in one
   * transaction of `client`. Returns how many rows of visitors and sessions it read, the
   * triggers' statements and foreign-key checks included.
   */
  async function visit(siteId: string, visitorIds: string[]): Promise<Record<string, number>> {
    await client.query('BEGIN');
    try {
      const before = await rowsRead();
      await client.query(
        `WITH started AS (
           INSERT INTO sessions (id, site_id, visitor_id, started_at, last_activity_at, entry_path, exit_path)
           SELECT gen_random_uuid(), $1, visitor_id, now(), now(), '/', '/'
             FROM unnest($2::uuid[]) AS v(visitor_id)
           RETURNING id, visitor_id
         )
         INSERT INTO page_views (created_at, site_id, visitor_id, session_id, url, hostname, path, device_type)
         SELECT now(), $1, visitor_id, id, 'https://example.com/', 'example.com', '/', 'desktop' FROM started`,
        [siteId, visitorIds],
      );
      const after = await rowsRead();
      return {
        visitors: after.visitors - (before.visitors ?? 0),
        sessions: after.sessions - (before.sessions ?? 0),
      };
    } finally {
      await client.query('COMMIT');
    }
  }

  it('should read only the rows of the batch even when the tables grew since the plan was made', async () => {
    const site = await makeSite(dataSource);
    const addVisitors = async (from: number, count: number) =>
      (
        await dataSource.query<{ id: string }[]>(
          `INSERT INTO visitors (site_id, fingerprint_hash, first_seen_at, last_seen_at)
           SELECT $1, lpad(to_hex(n), 64, '0'), now(), now() FROM generate_series($2::int, $3::int) AS n
           RETURNING id`,
          [site.id, from, from + count - 1],
        )
      ).map((row) => row.id);

    // The triggers' plans are made (and kept by this connection) while the tables are nearly
    // empty ...
    const batch = await addVisitors(1, 20);
    await visit(site.id, batch);
    // ... then the tables grow, with no ANALYZE yet, as in a new installation's first minutes.
    await addVisitors(100, 20_000);
    await dataSource.query(
      `INSERT INTO sessions (id, site_id, visitor_id, started_at, last_activity_at, entry_path, exit_path)
       SELECT gen_random_uuid(), site_id, id, now(), now(), '/', '/' FROM visitors WHERE site_id = $1`,
      [site.id],
    );

    const read = await visit(site.id, batch);
    // Foreign-key checks and counter updates reach a few rows per visitor of the batch, not the
    // 20,000 others.
    expect(read.visitors).toBeLessThanOrEqual(batch.length * 10);
    expect(read.sessions).toBeLessThanOrEqual(batch.length * 10);
  });
});
