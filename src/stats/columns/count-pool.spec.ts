import { CountPool, workerScript } from './count-pool.js';
import { BOUNCED, sharedArray, STARTED } from './day-columns.js';
import type { CountDay, CountResult, CountTask } from './day-count.js';

/**
 * A day of `visits` visits by `visitors` visitors (visit i by visitor i % visitors), each with
 * two page views of pages i % 3 and (i + 1) % 3, its source code i % 4.
 */
function dayOf(visits: number, visitors: number): Omit<CountDay, 'codes' | 'groupOf' | 'single'> {
  const flags = sharedArray(Uint8Array, visits);
  const visitPageviews = sharedArray(Uint32Array, visits);
  const durations = sharedArray(Float64Array, visits);
  const numbers = sharedArray(Int32Array, visits);
  const hits = sharedArray(Uint32Array, visits);
  const pageViewVisits = sharedArray(Uint32Array, 2 * visits);
  for (let i = 0; i < visits; i++) {
    flags[i] = STARTED | (i % 5 === 0 ? BOUNCED : 0);
    visitPageviews[i] = 2;
    durations[i] = i % 7;
    numbers[i] = i % visitors;
    hits[i] = 2;
    pageViewVisits[2 * i] = i;
    pageViewVisits[2 * i + 1] = i;
  }
  return {
    flags,
    visitPageviews,
    durations,
    pageViewVisits,
    pageViewCount: 2 * visits,
    eventVisits: sharedArray(Uint32Array, 0),
    visitors: numbers,
    passes: {
      visits: sharedArray(Uint8Array, visits).fill(1),
      visitList: null,
      pageViewList: null,
      pageViews: null,
      hits,
      hasPage: null,
      events: null,
    },
  };
}

function sources(visits: number): Uint8Array {
  return Uint8Array.from({ length: visits }, (_, i) => i % 4);
}

function pages(visits: number): Uint8Array {
  return Uint8Array.from({ length: 2 * visits }, (_, j) => (Math.floor(j / 2) + (j % 2)) % 3);
}

/** Two days of a source breakdown and two of a page breakdown. */
function tasks(): CountTask[] {
  const sourceOf = Int32Array.from([0, 1, 2, -1]);
  const bySource: CountTask = {
    level: 'visit',
    groups: 3,
    visitors: 500,
    everyone: false,
    days: [
      { ...dayOf(1_000, 500), codes: sources(1_000), groupOf: sourceOf, single: -1 },
      { ...dayOf(800, 300), codes: sources(800), groupOf: sourceOf, single: -1 },
    ],
  };
  const pageOf = Int32Array.from([0, 1, 2]);
  const byPage: CountTask = {
    level: 'page',
    groups: 3,
    visitors: 500,
    everyone: false,
    days: [
      { ...dayOf(1_000, 500), codes: pages(1_000), groupOf: pageOf, single: -1 },
      { ...dayOf(600, 400), codes: pages(600), groupOf: pageOf, single: -1 },
    ],
  };
  return [bySource, byPage];
}

function plain(result: CountResult): Record<string, number[] | number> {
  return {
    ...Object.fromEntries(Object.entries(result.groups).map(([k, v]) => [k, [...v]])),
    everyone: result.everyone,
  };
}

describe('CountPool', () => {
  let pool: CountPool;

  beforeAll(() => {
    // `npm test` builds first; the worker threads run the build of the same sources.
    expect(workerScript()).not.toBeNull();
    pool = new CountPool(2);
  });

  afterAll(() => pool.close());

  it('should count on worker threads what the main thread counts', async () => {
    expect(pool.threads).toBe(2);
    const here = new CountPool(0);
    expect(here.threads).toBe(0);
    for (const task of tasks()) {
      const [onWorkers, onMain] = await Promise.all([pool.run(task), here.run(task)]);
      expect(plain(onWorkers)).toEqual(plain(onMain));
    }
    // Visitors by source: visit i by visitor i % 500 with source i % 4; 500 is a multiple of
    // 4, so each visitor has one source: 125 visitors each (the second day's are among them).
    const [bySource] = tasks();
    const result = await pool.run(bySource);
    expect([...result.groups.visitors]).toEqual([125, 125, 125]);
    expect([...result.groups.visits]).toEqual([450, 450, 450]);
    expect([...result.groups.pageviews]).toEqual([900, 900, 900]);
  });

  it('should run many counts at once on few threads, each with its own marks', async () => {
    const all = tasks();
    const alone = await Promise.all(all.map((task) => new CountPool(0).run(task)));
    const together = await Promise.all(
      Array.from({ length: 12 }, (_, k) => pool.run(all[k % all.length])),
    );
    together.forEach((result, k) => expect(plain(result)).toEqual(plain(alone[k % all.length])));
  });

  it('should fail a count that fails on a worker with its error, and count on after it', async () => {
    const [bySource] = tasks();
    const broken: CountTask = {
      ...bySource,
      level: 'page',
      days: [{ ...bySource.days[0], codes: null }],
    };
    await expect(pool.run(broken)).rejects.toThrow(/TypeError/);
    await expect(pool.run(bySource)).resolves.toBeDefined();
  });
});
