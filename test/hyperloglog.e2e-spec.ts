import pg from 'pg';
import { HyperLogLog } from '../src/stats/sketches/hyperloglog.js';
import { sketchesSql, visitorHashSql } from '../src/stats/sketches/hyperloglog-sql.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

/**
 * Sketches built in PostgreSQL by `sketchesSql`, merged and estimated in TypeScript, against
 * exact `count(DISTINCT)`. The accuracy cases use seeded visitor ids (`md5(seed)::uuid`) so an
 * estimate's error is the same on every run; the uniformity checks use `gen_random_uuid()`.
 */
describe('HyperLogLog sketches built in PostgreSQL', () => {
  let db: TestDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  /**
   * `visits(day, visitor_id)`: n visitors over 30 days, every third one back on a second day,
   * so the days' sketches overlap.
   */
  async function fillVisits(n: number, seed: string): Promise<void> {
    await client.query('DROP TABLE IF EXISTS visits');
    await client.query(
      `CREATE TABLE visits AS
         SELECT day, md5($2 || i)::uuid AS visitor_id
         FROM generate_series(1, $1::int) AS i,
           LATERAL (VALUES (i % 30), (CASE WHEN i % 3 = 0 THEN (i * 7 + 1) % 30 END)) AS d(day)
         WHERE day IS NOT NULL`,
      [n, seed],
    );
  }

  async function daySketches(source = 'visits'): Promise<{ day: number; sketch: Buffer }[]> {
    const { rows } = await client.query<{ day: number; sketch: Buffer }>(
      sketchesSql({ source, groupBy: ['day'] }),
    );
    return rows;
  }

  async function exactCount(sql: string): Promise<number> {
    const { rows } = await client.query<{ count: string }>(sql);
    return Number(rows[0].count);
  }

  it.each([1, 10, 100])('should count %i visitors over 30 days exactly', async (n) => {
    await fillVisits(n, `exact-${n}-`);
    const sketches = await daySketches();
    expect(sketches.every(({ sketch }) => sketch[0] === 0x01)).toBe(true);
    expect(HyperLogLog.merge(sketches.map(({ sketch }) => sketch)).estimate()).toBe(n);
    expect(await exactCount('SELECT count(DISTINCT visitor_id) FROM visits')).toBe(n);
  });

  it.each([1_000, 10_000, 100_000, 1_000_000])(
    'should estimate %i visitors over 30 days within 2.5 percent',
    async (n) => {
      await fillVisits(n, `approximate-${n}-`);
      const sketches = await daySketches();
      expect(sketches).toHaveLength(30);
      const estimate = HyperLogLog.merge(sketches.map(({ sketch }) => sketch)).estimate();
      const exact = await exactCount('SELECT count(DISTINCT visitor_id) FROM visits');
      expect(exact).toBe(n);
      expect(Math.abs(estimate - exact) / exact).toBeLessThanOrEqual(0.025);
      // Each day alone, too (sparse days at 1 000, dense ones above).
      const { rows } = await client.query<{ day: number; count: string }>(
        'SELECT day, count(DISTINCT visitor_id) AS count FROM visits GROUP BY day',
      );
      for (const { day, count } of rows) {
        const sketch = sketches.find((row) => row.day === day)!.sketch;
        const dayEstimate = HyperLogLog.deserialize(sketch).estimate();
        expect(Math.abs(dayEstimate - Number(count)) / Number(count)).toBeLessThanOrEqual(0.025);
      }
    },
    180_000,
  );

  it('should hash visitor ids as the stored sketches assume', async () => {
    // Pinned on PostgreSQL 15 and 18 (x86-64): a server that hashes otherwise (a future major
    // version, a big-endian machine) would make new days' sketches disagree with stored ones.
    const { rows } = await client.query<{ hash: string }>(
      `SELECT ${visitorHashSql("'3f0c2a8e-1b2c-4d5e-8f90-a1b2c3d4e5f6'::uuid")} AS hash`,
    );
    expect(rows[0].hash).toBe('-4810558528269667655');
  });

  it('should build the same bytes in SQL as in TypeScript from the same hashes', async () => {
    // Day 0 has 1 000 visitors (sparse), day 1 has 20 000 (dense), day 2 one, twice.
    await client.query('DROP TABLE IF EXISTS visits');
    await client.query(
      `CREATE TABLE visits AS
         SELECT 0 AS day, md5('same-a' || i)::uuid AS visitor_id FROM generate_series(1, 1000) i
         UNION ALL SELECT 1, md5('same-b' || i)::uuid FROM generate_series(1, 20000) i
         UNION ALL SELECT 2, md5('same-c')::uuid FROM generate_series(1, 2)`,
    );
    const sketches = await daySketches();
    const { rows } = await client.query<{ day: number; hashes: string[] }>(
      `SELECT day, array_agg(hashtextextended(visitor_id::text, 0)) AS hashes FROM visits GROUP BY day`,
    );
    expect(rows).toHaveLength(3);
    for (const { day, hashes } of rows) {
      const fromSql = sketches.find((row) => row.day === day)!.sketch;
      expect(fromSql[0]).toBe(day === 1 ? 0x02 : 0x01);
      expect(HyperLogLog.fromHashes(hashes.map(BigInt)).serialize()).toEqual(fromSql);
    }
  });

  it('should estimate the union of overlapping groups, with parameters and several keys', async () => {
    await client.query('DROP TABLE IF EXISTS page_visits');
    // Page p of site s is seen by visitors p*500 .. p*500+1499: neighbours share 1 000.
    await client.query(
      `CREATE TABLE page_visits AS
         SELECT s AS site, p AS page, md5('page-' || v)::uuid AS visitor_id
         FROM generate_series(1, 2) s, generate_series(0, 9) p,
           generate_series(p * 500, p * 500 + 1499) v`,
    );
    const { rows } = await client.query<{ site: number; page: number; sketch: Buffer }>(
      sketchesSql({
        source: '(SELECT * FROM page_visits WHERE site = $1)',
        groupBy: ['site', 'page'],
      }),
      [2],
    );
    expect(rows).toHaveLength(10);
    expect(rows.every(({ site }) => site === 2)).toBe(true);
    const union = HyperLogLog.merge(rows.map(({ sketch }) => sketch)).estimate();
    // Visitors 0 .. 5 999: 6 000, not 10 × 1 500.
    expect(Math.abs(union - 6000) / 6000).toBeLessThanOrEqual(0.025);
    const twoPages = HyperLogLog.merge(
      rows.filter(({ page }) => page <= 1).map(({ sketch }) => sketch),
    ).estimate();
    expect(twoPages).toBe(2000);
  });

  it('should leave out null visitor ids, and keep a null group key as a group', async () => {
    await client.query('DROP TABLE IF EXISTS visits');
    await client.query(
      `CREATE TABLE visits AS SELECT * FROM (VALUES
         (0, NULL::uuid), (1, NULL), (1, gen_random_uuid()), (NULL, gen_random_uuid()), (NULL, gen_random_uuid())
       ) AS v(day, visitor_id)`,
    );
    const sketches = await daySketches();
    expect(
      sketches.map(({ day, sketch }) => [day, HyperLogLog.deserialize(sketch).estimate()]),
    ).toEqual(
      expect.arrayContaining([
        [1, 1],
        [null, 2],
      ]),
    );
    expect(sketches).toHaveLength(2);
  });

  it('should spread hashtextextended of random uuids evenly over registers, bits and ranks', async () => {
    const n = 200_000;
    await client.query('DROP TABLE IF EXISTS hashes');
    await client.query(
      `CREATE TABLE hashes AS
         SELECT hashtextextended(gen_random_uuid()::text, 0) AS h FROM generate_series(1, $1::int)`,
      [n],
    );
    // Each of the 64 bits is set in half the hashes, within 5 standard errors.
    const { rows: bits } = await client.query<{ bit: number; ones: string }>(
      `SELECT b AS bit, count(*) FILTER (WHERE substring(h::bit(64) FROM b + 1 FOR 1) = B'1') AS ones
         FROM hashes, generate_series(0, 63) b GROUP BY b`,
    );
    expect(bits).toHaveLength(64);
    const bitSpread = 5 * Math.sqrt(n / 4);
    for (const { ones } of bits) expect(Math.abs(Number(ones) - n / 2)).toBeLessThan(bitSpread);

    // The 16 384 registers: chi-square with 16 383 degrees of freedom, within 5 standard deviations.
    const { rows: registers } = await client.query<{ count: string }>(
      `SELECT count(*) AS count FROM hashes GROUP BY (h >> 50) & 16383`,
    );
    const expected = n / 16384;
    let chiSquare = (16384 - registers.length) * expected;
    for (const { count } of registers) chiSquare += (Number(count) - expected) ** 2 / expected;
    expect(Math.abs(chiSquare - 16383)).toBeLessThan(5 * Math.sqrt(2 * 16383));

    // Ranks (leading zeros after the register bits, plus one) are geometric: P(k) = 2^-k.
    const { rows: ranks } = await client.query<{ rank: number; count: string }>(
      `SELECT position(B'1' IN substring(h::bit(64) FROM 15)) AS rank, count(*) AS count
         FROM hashes GROUP BY 1 HAVING position(B'1' IN substring(h::bit(64) FROM 15)) BETWEEN 1 AND 8`,
    );
    expect(ranks).toHaveLength(8);
    for (const { rank, count } of ranks) {
      const p = 2 ** -rank;
      expect(Math.abs(Number(count) - n * p)).toBeLessThan(5 * Math.sqrt(n * p * (1 - p)));
    }
  });
});
