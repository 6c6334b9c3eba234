import { DayColumns, PAGE_COLUMNS, VISIT_COLUMNS, type VisitRow } from './day-columns.js';
import { FIRST, OTHER, SAME, VisitorIndex, VisitorMarks } from './visitor-index.js';

/** A day whose visits have these visitor hashes (one page view each). */
async function dayOf(visitors: number[]): Promise<DayColumns> {
  const visits: VisitRow[] = visitors.map((visitor, i) => [
    `v${i}`,
    visitor,
    true,
    1,
    1,
    0,
    ...VISIT_COLUMNS.map(() => null),
  ]);
  const pageViews = visitors.map((_, i) => [`v${i}`, ...PAGE_COLUMNS.map(() => '/')] as const);
  return DayColumns.decode(
    await DayColumns.encode(
      visits,
      pageViews.map((row) => [...row]),
    ),
  );
}

/** A pseudo-random visitor hash as the job writes them: an integer of 52 bits, either sign. */
function hashes(count: number, seed: number): number[] {
  let state = seed;
  const next = () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state;
  };
  return Array.from({ length: count }, () => (next() % 2 ** 20) * 2 ** 32 + next() - 2 ** 51);
}

describe('VisitorIndex', () => {
  it('should give a visitor the same number on every day, and different visitors different ones', async () => {
    const index = new VisitorIndex();
    const shared = hashes(3, 1);
    const first = await dayOf([shared[0], -(2 ** 51), shared[1], -1, 0]);
    const second = await dayOf([shared[1], 2 ** 51 - 1, shared[0], shared[2]]);
    const a = index.numbersOf(first);
    const b = index.numbersOf(second);
    expect(b[0]).toBe(a[2]);
    expect(b[2]).toBe(a[0]);
    expect(new Set([...a, b[1], b[3]]).size).toBe(7);
    expect(index.size).toBe(7);
    // Kept with the day: asked again, the same array.
    expect(index.numbersOf(first)).toBe(a);
  });

  it('should number a hundred thousand visitors through its growth, each once', async () => {
    const index = new VisitorIndex();
    const visitors = hashes(100_000, 7);
    const numbers = index.numbersOf(await dayOf(visitors));
    expect(new Set(numbers).size).toBe(new Set(visitors).size);
    expect(Math.max(...numbers)).toBe(index.size - 1);
    // A second day with the same visitors in reverse order gets the same numbers.
    const again = index.numbersOf(await dayOf([...visitors].reverse()));
    expect([...again].reverse()).toEqual([...numbers]);
  });

  it('should start afresh only when it holds far more visitors than the cached days have visits', async () => {
    const index = new VisitorIndex(1_000);
    const day = await dayOf(hashes(10, 3));
    const before = index.numbersOf(day);
    index.trim(0);
    expect(index.numbersOf(day)).toBe(before);
    index.numbersOf(await dayOf(hashes(1_500, 5)));
    index.trim(800);
    expect(index.size).toBe(1_510);
    index.trim(10);
    expect(index.size).toBe(0);
    const after = index.numbersOf(day);
    expect(after).not.toBe(before);
    expect([...after]).toEqual([...after.keys()]);
  });
});

describe('VisitorMarks', () => {
  it('should tell a first sight, a sight in the first group and one in another', async () => {
    const index = new VisitorIndex();
    index.numbersOf(await dayOf(hashes(100, 2)));
    const marks = new VisitorMarks();
    marks.start(index.bound);
    expect(marks.see(5, 3)).toBe(FIRST);
    expect(marks.see(5, 3)).toBe(SAME);
    expect(marks.see(5, 4)).toBe(OTHER);
    expect(marks.see(5, 3)).toBe(SAME);
    expect(marks.see(6, 4)).toBe(FIRST);
    expect(marks.see(99, 0)).toBe(FIRST);
  });

  it('should start each count clean', async () => {
    const index = new VisitorIndex();
    index.numbersOf(await dayOf(hashes(100, 2)));
    const marks = new VisitorMarks();
    marks.start(index.bound);
    expect(marks.see(5, 0)).toBe(FIRST);
    expect(marks.see(5, 0)).toBe(SAME);
    marks.start(index.bound);
    expect(marks.see(5, 1)).toBe(FIRST);
    expect(marks.see(5, 0)).toBe(OTHER);
  });

  it('should grow with the index: visitors numbered after the last count are seen too', async () => {
    const index = new VisitorIndex();
    index.numbersOf(await dayOf(hashes(10, 4)));
    const marks = new VisitorMarks();
    marks.start(index.bound);
    const numbers = index.numbersOf(await dayOf(hashes(5_000, 8)));
    marks.start(index.bound);
    for (const visitor of numbers) expect(marks.see(visitor, 0)).toBe(FIRST);
    for (const visitor of numbers) expect(marks.see(visitor, 0)).toBe(SAME);
  });
});
