import { type DayColumns, sharedArray } from './day-columns.js';

/** The key of an empty slot of the index: visitor hashes are integers (of 52 bits, signed). */
const NO_KEY = 0.5;

/**
 * Small dense numbers (0, 1, 2…) for the visitor hashes of the cached days, the same number for
 * the same visitor on every day, so that distinct visitors are counted with two array reads a
 * visit (`VisitorMarks`) instead of hashing every (value, visitor) pair of a period. One index
 * serves every site: the visitors of two sites never meet in one count.
 *
 * The numbers of a day are worked out once (`numbersOf`) and kept with it. Numbers of visitors
 * whose days left the cache are not reclaimed one by one: once the index holds many more of them
 * than the cached days have visits (`trim`), it starts afresh and the days number again.
 */
export class VisitorIndex {
  private keys = new Float64Array(1 << 16).fill(NO_KEY);
  private values = new Int32Array(1 << 16);
  private count = 0;
  /** Bumped when the index starts afresh: numbers of an older generation are stale. */
  private generation = 0;
  /** How many visitors the index held before it last started afresh. */
  private before = 0;
  private readonly numbered = new WeakMap<
    DayColumns,
    { generation: number; numbers: Int32Array }
  >();

  /** @param floor how many visitors the index may always hold (see `trim`). */
  constructor(private readonly floor = 1 << 20) {}

  /** How many visitors have a number now. */
  get size(): number {
    return this.count;
  }

  /**
   * Every number of a day numbered so far is below it: also those of a count that numbered its
   * days just before the index started afresh (see `trim`).
   */
  get bound(): number {
    return Math.max(this.count, this.before);
  }

  /** The number of each visit's visitor of `day`. */
  numbersOf(day: DayColumns): Int32Array {
    const known = this.numbered.get(day);
    if (known?.generation === this.generation) return known.numbers;
    // Shared: a worker thread counts with them (see `CountPool`).
    const numbers = sharedArray(Int32Array, day.visitCount);
    for (let i = 0; i < numbers.length; i++) numbers[i] = this.numberOf(day.visitors[i]);
    this.numbered.set(day, { generation: this.generation, numbers });
    return numbers;
  }

  /**
   * Starts afresh when the index holds more than twice the visits of the cached days (and more
   * than `floor` visitors): the days left behind numbers nobody counts any more.
   */
  trim(cachedVisits: number): void {
    if (this.count <= Math.max(this.floor, 2 * cachedVisits)) return;
    this.before = this.count;
    this.keys = new Float64Array(1 << 16).fill(NO_KEY);
    this.values = new Int32Array(1 << 16);
    this.count = 0;
    this.generation += 1;
  }

  private numberOf(key: number): number {
    let mask = this.keys.length - 1;
    let slot = slotOf(key, mask);
    for (;;) {
      const found = this.keys[slot];
      if (found === key) return this.values[slot];
      if (found === NO_KEY) break;
      slot = (slot + 1) & mask;
    }
    if (2 * (this.count + 1) > this.keys.length) {
      this.grow();
      mask = this.keys.length - 1;
      slot = slotOf(key, mask);
      while (this.keys[slot] !== NO_KEY) slot = (slot + 1) & mask;
    }
    this.keys[slot] = key;
    this.values[slot] = this.count;
    return this.count++;
  }

  private grow(): void {
    const { keys, values } = this;
    this.keys = new Float64Array(keys.length * 2).fill(NO_KEY);
    this.values = new Int32Array(keys.length * 2);
    const mask = this.keys.length - 1;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] === NO_KEY) continue;
      let slot = slotOf(keys[i], mask);
      while (this.keys[slot] !== NO_KEY) slot = (slot + 1) & mask;
      this.keys[slot] = keys[i];
      this.values[slot] = values[i];
    }
  }
}

/** A slot for an integer key of up to 53 bits (either sign): its two halves, mixed. */
function slotOf(key: number, mask: number): number {
  let hash = Math.imul(key | 0, 0x9e3779b1) ^ Math.imul((key / 0x100000000) | 0, 0x85ebca6b);
  hash ^= hash >>> 16;
  return hash & mask;
}

/**
 * Which visitors one count has seen, and the first group each was seen in: a visitor is seen in
 * one group in the common case (a visit dimension's value) and is then told apart with two array
 * reads; whether a visitor seen in several groups (pages) was seen in this one before is left
 * to the caller (`Groups` sorts those pairs out at the end).
 */
export class VisitorMarks {
  /**
   * Whether a visitor was seen in this count: one byte each, cleared at the start of a count,
   * so that the array most read stays small enough for the processor's caches.
   */
  private seen = new Uint8Array(0);
  /** The first group a visitor was seen in during this count (read only when seen). */
  private firstGroup = new Int32Array(0);

  /**
   * Starts a count over visitors numbered below `visitors` (`VisitorIndex.bound`). Two counts that
   * run at once need marks of their own.
   */
  start(visitors: number): void {
    if (this.seen.length < visitors) {
      this.seen = new Uint8Array(Math.max(visitors, 2 * this.seen.length));
      this.firstGroup = new Int32Array(this.seen.length);
    } else {
      this.seen.fill(0);
    }
  }

  /**
   * `FIRST` when `visitor` is seen for the first time in this count (in `group`), `SAME` when it
   * was first seen in `group`, `OTHER` when it was first seen in another group: it may or may
   * not have been seen in `group` too.
   */
  see(visitor: number, group: number): Seen {
    if (this.seen[visitor] === 0) {
      this.seen[visitor] = 1;
      this.firstGroup[visitor] = group;
      return FIRST;
    }
    return this.firstGroup[visitor] === group ? SAME : OTHER;
  }
}

export const FIRST = 0;
export const SAME = 1;
export const OTHER = 2;
export type Seen = typeof FIRST | typeof SAME | typeof OTHER;
