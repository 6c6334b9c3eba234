import { parseFilters } from '../filters.js';
import { HyperLogLog } from '../sketches/hyperloglog.js';
import type { QueryScope } from '../stats-query.js';
import { rollupFilter, visitorsOf } from './rollup-queries.js';

function scope(filters: string[], days = true): QueryScope {
  return {
    siteId: '00000000-0000-4000-8000-000000000000',
    from: new Date('2026-11-01T00:00:00Z'),
    to: new Date('2026-11-08T00:00:00Z'),
    timezone: 'UTC',
    filters: parseFilters(filters),
    goals: [],
    days: days ? { first: '2026-11-01', last: '2026-11-07' } : undefined,
  };
}

describe('rollupFilter', () => {
  it('should answer no filter and one visit filter from the rollups', () => {
    expect(rollupFilter(scope([]))).toBeNull();
    expect(rollupFilter(scope(['country:is:DE|(none)']))).toMatchObject({
      operator: 'is',
      values: ['DE', null],
    });
    expect(rollupFilter(scope(['entry_page:is:/blog/*']))).toBeDefined();
  });

  it.each([
    [['page:is:/'], 'a page filter'],
    [['event:is:Signup'], 'an event filter'],
    [['prop.plan:is:pro'], 'a property filter'],
    [['goal:is:Signup'], 'a goal filter'],
    [['country:is:DE', 'device:is:mobile'], 'two filters'],
  ])('should leave %j to the raw rows (%s)', (filters) => {
    expect(rollupFilter(scope(filters))).toBeUndefined();
  });

  it('should leave a span of instants (realtime) to the raw rows', () => {
    expect(rollupFilter(scope([], false))).toBeUndefined();
  });
});

describe('visitorsOf', () => {
  const hashes = (from: number, to: number) =>
    Array.from(
      { length: to - from },
      (_, i) => (BigInt(from + i) * 0x9e3779b97f4a7c15n) % 2n ** 64n,
    );
  const pack = (sketches: HyperLogLog[]) =>
    Buffer.concat(
      sketches.flatMap((sketch) => {
        const bytes = sketch.serialize();
        const length = Buffer.alloc(4);
        length.writeInt32BE(bytes.length);
        return [length, bytes];
      }),
    ).toString('base64');

  it('should take the exact count of a single row', () => {
    const one = HyperLogLog.fromHashes(hashes(0, 10));
    expect(
      visitorsOf({ visitorSum: 7, visitorMax: 7, sketchCount: 1, sketches: pack([one]) }),
    ).toBe(7);
  });

  it('should merge the sketches of several rows, a visitor in both counting once', () => {
    const monday = HyperLogLog.fromHashes(hashes(0, 600));
    const tuesday = HyperLogLog.fromHashes(hashes(400, 1000));
    const visitors = visitorsOf({
      visitorSum: 1200,
      visitorMax: 600,
      sketchCount: 2,
      sketches: pack([monday, tuesday]),
    });
    expect(Math.abs(visitors - 1000)).toBeLessThanOrEqual(10);
  });

  it('should keep an estimate between the most visitors of one row and their sum', () => {
    // The same 50 visitors on two days: the sketches' union is 50 (or close); one day had 50.
    const day = HyperLogLog.fromHashes(hashes(0, 50));
    const rows = { sketchCount: 2, sketches: pack([day, day]) };
    expect(visitorsOf({ ...rows, visitorSum: 100, visitorMax: 50 })).toBe(50);
    // Rows that say fewer than the sketches hold bound the estimate from above.
    expect(visitorsOf({ ...rows, visitorSum: 40, visitorMax: 20 })).toBe(40);
    // And from below.
    expect(visitorsOf({ ...rows, visitorSum: 200, visitorMax: 70 })).toBe(70);
  });
});
