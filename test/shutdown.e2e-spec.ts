import type { NestExpressApplication } from '@nestjs/platform-express';
import pg from 'pg';
import { openDataSource, waitFor } from './utils/data-source.js';
import { CHROME_UA, makeEvent, makeSite } from './utils/factories.js';
import { createTestApp } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

const IN_FLIGHT = 8;

describe('graceful shutdown', () => {
  let db: TestDatabase;
  let app: NestExpressApplication | undefined;
  /** The test's own connection: the app's pool is gone once it has closed. */
  let client: pg.Client;
  /** Holds a lock on page_views while open, so the app's commits wait. */
  let blocker: pg.Client | undefined;
  let siteId: string;
  let baseUrl: string;

  const send = (path: string): Promise<Response> =>
    fetch(`${baseUrl}/track`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': CHROME_UA },
      body: JSON.stringify(makeEvent(siteId, { url: `https://example.com${path}` })),
    });

  const storedPaths = async (): Promise<string[]> => {
    const { rows } = await client.query<{ path: string }>(
      'SELECT path FROM page_views WHERE site_id = $1 ORDER BY path',
      [siteId],
    );
    return rows.map((row) => row.path);
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    const setup = await openDataSource(db.url);
    siteId = (await makeSite(setup)).id;
    await setup.destroy();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();

    app = await createTestApp({ databaseUrl: db.url });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as { port: number };
    baseUrl = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await blocker?.end().catch(() => undefined);
    await app?.close().catch(() => undefined);
    await client?.end();
    await db?.drop();
  });

  it('should answer every in-flight request with 202 and store its event when closed mid-request', async () => {
    // The site is now cached and the pool warm, as on a server that has been running a while.
    expect((await send('/warm-up')).status).toBe(202);
    const server = app!.getHttpServer();
    let received = 0;
    server.on('request', () => (received += 1));

    // Keep the commits waiting on a lock, so the requests are certainly unanswered when the app
    // starts closing (the lock is released only after close() has begun).
    blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE page_views IN SHARE MODE');

    const responses = Array.from({ length: IN_FLIGHT }, (_, i) => send(`/in-flight/${i}`));
    await waitFor('the app to receive every request', () => received === IN_FLIGHT);
    await waitFor('an ingestion commit to wait for the lock', async () => {
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = $1 AND application_name = 'trackveil' AND wait_event_type = 'Lock'`,
        [db.name],
      );
      return rows[0].n > 0;
    });

    const closing = app!.close();
    await blocker.query('COMMIT');
    await blocker.end();
    blocker = undefined;

    const statuses = await Promise.all(responses.map(async (res) => (await res).status));
    expect(statuses).toEqual(Array(IN_FLIGHT).fill(202));
    await closing;
    app = undefined;

    expect(await storedPaths()).toEqual([
      ...Array.from({ length: IN_FLIGHT }, (_, i) => `/in-flight/${i}`).sort(),
      '/warm-up',
    ]);
  });

  it('should refuse new connections once closed', async () => {
    const error: unknown = await send('/after-close').then(
      (res) => new Error(`The closed app answered ${res.status}`),
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError & { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');
    expect(await storedPaths()).not.toContain('/after-close');
  });
});
