import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import type { Site } from '../src/sites/entities/site.entity.js';
import { SourceBackfill } from '../src/referrer-sources/source-backfill.js';
import { CHROME_UA, makeEvent, makeSite } from './utils/factories.js';
import { FakeClock } from './utils/fake-clock.js';
import { createTestApp, dataSourceOf } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

const MINUTE = 60_000;

describe('POST /track: the source of a session', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let dataSource: DataSource;
  let clock: FakeClock;
  let site: Site;

  beforeAll(async () => {
    db = await createTestDatabase();
    clock = new FakeClock();
    app = await createTestApp({ databaseUrl: db.url, clock });
    dataSource = dataSourceOf(app);
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  beforeEach(async () => {
    site = await makeSite(dataSource);
  });

  const track = (overrides: Record<string, unknown>) =>
    request(app.getHttpServer())
      .post('/track')
      .set('User-Agent', CHROME_UA)
      .send(makeEvent(site.id, { url: 'https://example.com/pricing', ...overrides }))
      .expect(202);

  const sessions = () =>
    dataSource.query<
      { source: string | null; referrer_host: string | null; utm_source: string | null }[]
    >(
      `SELECT source, referrer_host, utm_source FROM sessions WHERE site_id = $1 ORDER BY started_at`,
      [site.id],
    );

  it('should name a search engine by its name, whatever its country domain', async () => {
    await track({ referrer: 'https://www.google.co.uk/search?q=analytics' });
    await track({ referrer: 'https://www.google.de/' });
    expect(await sessions()).toEqual([
      { source: 'Google', referrer_host: 'www.google.co.uk', utm_source: null },
      { source: 'Google', referrer_host: 'www.google.de', utm_source: null },
    ]);
  });

  it('should take the utm_source over the referrer, in its canonical name when it has one', async () => {
    await track({
      url: 'https://example.com/?utm_source=spring-newsletter',
      referrer: 'https://www.google.com/',
    });
    await track({ url: 'https://example.com/?utm_source=hn', referrer: 'https://t.co/x' });
    expect((await sessions()).map((s) => [s.source, s.utm_source])).toEqual([
      ['spring-newsletter', 'spring-newsletter'],
      ['Hacker News', 'hn'],
    ]);
  });

  it('should keep an unknown referrer host, without www., as the source', async () => {
    await track({ referrer: 'https://www.someones-blog.example.org/post' });
    expect((await sessions())[0].source).toBe('someones-blog.example.org');
  });

  it('should name an Android app referrer by its app', async () => {
    await track({ referrer: 'android-app://com.google.android.gm/' });
    expect(await sessions()).toEqual([{ source: 'Gmail', referrer_host: null, utm_source: null }]);
  });

  it('should store no source without a referrer, or for a referrer from the site itself', async () => {
    await track({ referrer: undefined });
    await track({ referrer: 'https://example.com/' });
    await track({ referrer: 'https://www.example.com/blog' });
    expect((await sessions()).map((s) => s.source)).toEqual([null, null, null]);
  });

  it('should keep the source of the hit that started the session', async () => {
    const fingerprint = 'same-browser';
    await track({ fingerprint, referrer: 'https://news.ycombinator.com/item?id=1' });
    clock.advance(MINUTE);
    await track({ fingerprint, referrer: 'https://www.reddit.com/r/selfhosted' });
    clock.advance(31 * MINUTE);
    await track({ fingerprint, referrer: 'https://www.reddit.com/r/selfhosted' });
    expect((await sessions()).map((s) => s.source)).toEqual(['Hacker News', 'Reddit']);
  });

  it('should name the visits stored before sources were kept, once, by the backfill', async () => {
    await track({ referrer: 'https://www.google.de/' });
    await track({ url: 'https://example.com/?utm_source=fb', referrer: undefined });
    await track({ referrer: 'https://www.example.com/blog' }); // internal: stays without one
    await track({ referrer: undefined }); // direct: stays without one
    // As an older version stored them: no source.
    await dataSource.query(`UPDATE sessions SET source = NULL WHERE site_id = $1`, [site.id]);

    const backfill = app.get(SourceBackfill);
    const batches: number[] = [];
    const first = await backfill.run(({ read }) => batches.push(read));
    expect((await sessions()).map((s) => s.source).sort()).toEqual([
      'Facebook',
      'Google',
      null,
      null,
    ]);
    expect(first.named).toBeGreaterThanOrEqual(2);
    expect(batches.length).toBeGreaterThan(0);
    // Nothing is left to name for this site the second time.
    await backfill.run();
    expect((await sessions()).map((s) => s.source).sort()).toEqual([
      'Facebook',
      'Google',
      null,
      null,
    ]);
  });
});
