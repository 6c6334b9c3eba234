import { BOUNCED, type Codes, STARTED } from './day-columns.js';
import { FIRST, OTHER, VisitorMarks } from './visitor-index.js';

/**
 * One count over the day columns of a period, in a form a worker thread can run (see
 * `CountPool`): typed arrays only, every big one over shared memory, so that handing a count to
 * a worker copies nothing but its outline. Groups are numbers here; their values are the
 * caller's (`ColumnsReader`).
 */
export interface CountTask {
  /** What a day's rows are counted by: visits, page views, or custom events. */
  level: 'visit' | 'page' | 'event';
  /** Groups are numbered below it. */
  groups: number;
  /** Every visitor number of the task's days is below it (see `VisitorIndex.marks`). */
  visitors: number;
  /** Also count every passing visit in one group of its own, as `everyone` (event breakdowns). */
  everyone: boolean;
  days: CountDay[];
}

/** What a count reads of one day: the day's columns, its visitor numbers and passes. */
export interface CountDay {
  flags: Uint8Array;
  visitPageviews: Uint32Array;
  durations: Float64Array;
  pageViewVisits: Uint32Array;
  pageViewCount: number;
  eventVisits: Uint32Array;
  /** The number of each visit's visitor (see `VisitorIndex`). */
  visitors: Int32Array;
  passes: DayPasses;
  /** The codes of the counted column (none when every row counts in `single`). */
  codes: Codes | null;
  /** The group of each code (-1: not counted). */
  groupOf: Int32Array | null;
  /** The group of every row when there are no codes. */
  single: number;
}

/** What passes the filters in one day: visits, page views, and visits with a passing page view. */
export interface DayPasses {
  /** Per visit: it passes the visit filters (1) or not (0). */
  visits: Uint8Array;
  /** The visits that pass them, in order; null when every visit does (no visit filter). */
  visitList: Uint32Array | null;
  /** The page views of the day that pass every filter, in order; null without filters. */
  pageViewList: Uint32Array | null;
  /** Per page view of the day and later: it passes the page filters; null without any. */
  pageViews: Uint8Array | null;
  /** Per visit: its page views that day that pass the page filters (all, without any). */
  hits: Uint32Array;
  /** Per visit that started that day: it has a page view that passes the page filters. */
  hasPage: Uint8Array | null;
  /** Per custom event: its page passes the page filters; null without any. */
  events: Uint8Array | null;
}

/** The counts of every group, by group number. */
export interface GroupTotals {
  visitors: Float64Array;
  visits: Float64Array;
  pageviews: Float64Array;
  bounces: Float64Array;
  visitPageviews: Float64Array;
  durations: Float64Array;
}

export interface CountResult {
  groups: GroupTotals;
  /** The distinct visitors of every passing visit (with `everyone`; else 0). */
  everyone: number;
}

/**
 * Runs a count with `marks` (one set for the groups, one more with `everyone`), calling `between`
 * after each day (the main thread lets the event loop run there; a worker has nothing to wait
 * for).
 */
export async function runCount(
  task: CountTask,
  marks: VisitorMarks[],
  between?: () => Promise<void>,
): Promise<CountResult> {
  marks[0].start(task.visitors);
  const groups = new GroupCounts(task.groups, marks[0]);
  let everyone: GroupCounts | null = null;
  if (task.everyone) {
    marks[1].start(task.visitors);
    everyone = new GroupCounts(1, marks[1]);
  }
  for (const day of task.days) {
    if (task.level === 'visit') countVisits(day, day.codes, day.groupOf, day.single, groups);
    else if (task.level === 'page') countPageViews(day, groups);
    else countEvents(day, groups);
    if (everyone) countVisits(day, null, null, 0, everyone);
    if (between) await between();
  }
  return { groups: groups.totals(), everyone: everyone ? everyone.totals().visitors[0] : 0 };
}

/** `marks` with as many sets as `task` needs (one, or two with `everyone`). */
export function marksFor(task: CountTask, marks: VisitorMarks[]): VisitorMarks[] {
  while (marks.length < (task.everyone ? 2 : 1)) marks.push(new VisitorMarks());
  return marks;
}

/**
 * Visit-level values (`codes`/`groupOf`: a group per code of a visit column, -1 for none; else
 * every visit in `single`): visitors and page views of the day's page views that pass by their
 * visit's value, and visits, bounces, page views and duration of the visits that started that day
 * and pass. The hottest loop of the stats: everything it reads is a local typed array.
 */
function countVisits(
  day: CountDay,
  codes: Codes | null,
  groupOf: Int32Array | null,
  single: number,
  groups: GroupCounts,
): void {
  const { flags, visitPageviews, durations, visitors } = day;
  const { visitList, hits: hitsOf, hasPage } = day.passes;
  // Only the visits that pass the visit filters (a third of them for a common source, say).
  const count = visitList === null ? flags.length : visitList.length;
  for (let k = 0; k < count; k++) {
    const i = visitList === null ? k : visitList[k];
    const group = codes === null ? single : groupOf![codes[i]];
    if (group < 0) continue;
    const hits = hitsOf[i];
    if (hits > 0) groups.hit(group, visitors[i], hits);
    const flag = flags[i];
    if ((flag & STARTED) !== 0 && (hasPage === null || hasPage[i] !== 0)) {
      groups.visit(group, (flag & BOUNCED) !== 0, visitPageviews[i], durations[i]);
    }
  }
}

/**
 * Page-level values: visitors and page views of the day's page views with the value, and the
 * visits among them (once per visit and day, as the rollups count them).
 */
function countPageViews(day: CountDay, groups: GroupCounts): void {
  const codes = day.codes!;
  const groupOf = day.groupOf!;
  const visitors = day.visitors;
  // A visit's page views are consecutive: the last visit seen with a value is enough.
  const lastVisit = new Int32Array(groupOf.length).fill(-1);
  const visits = day.pageViewVisits;
  const list = day.passes.pageViewList;
  const count = list === null ? day.pageViewCount : list.length;
  for (let k = 0; k < count; k++) {
    const j = list === null ? k : list[k];
    const visit = visits[j];
    const code = codes[j];
    const group = groupOf[code];
    if (group < 0) continue;
    if (lastVisit[code] !== visit) {
      lastVisit[code] = visit;
      groups.hit(group, visitors[visit], 1);
      groups.visits[group]++;
    } else {
      groups.pageviews[group]++;
    }
  }
}

/** Custom events by name: their visitors, and the events (counted as `pageviews`). */
function countEvents(day: CountDay, groups: GroupCounts): void {
  const codes = day.codes!;
  const groupOf = day.groupOf!;
  const visitors = day.visitors;
  const visits = day.eventVisits;
  const passed = day.passes.visits;
  const eventPassed = day.passes.events;
  for (let j = 0; j < visits.length; j++) {
    const visit = visits[j];
    if (passed[visit] === 0 || (eventPassed !== null && eventPassed[j] === 0)) continue;
    const group = groupOf[codes[j]];
    if (group >= 0) groups.hit(group, visitors[visit], 1);
  }
}

/** The counts of a breakdown's groups, by number. */
class GroupCounts {
  readonly pageviews: Float64Array;
  readonly visits: Float64Array;
  private readonly bounces: Float64Array;
  private readonly visitPageviews: Float64Array;
  private readonly durations: Float64Array;
  /** Distinct visitors per group, but for those first seen in another group (`pairs`). */
  private readonly visitors: Float64Array;
  /** Visitors seen in a group other than their first, with that group: maybe seen there before. */
  private pairVisitors = new Int32Array(1 << 12);
  private pairGroups = new Int32Array(1 << 12);
  private pairCount = 0;

  constructor(
    size: number,
    private readonly marks: VisitorMarks,
  ) {
    this.pageviews = new Float64Array(size);
    this.visits = new Float64Array(size);
    this.bounces = new Float64Array(size);
    this.visitPageviews = new Float64Array(size);
    this.durations = new Float64Array(size);
    this.visitors = new Float64Array(size);
  }

  /** Page views of a visitor with the group's value (the visitor counted once per group). */
  hit(group: number, visitor: number, pageviews: number): void {
    this.pageviews[group] += pageviews;
    const seen = this.marks.see(visitor, group);
    if (seen === FIRST) this.visitors[group]++;
    else if (seen === OTHER) this.pair(visitor, group);
  }

  private pair(visitor: number, group: number): void {
    if (this.pairCount === this.pairVisitors.length) {
      const visitors = new Int32Array(this.pairCount * 2);
      visitors.set(this.pairVisitors);
      this.pairVisitors = visitors;
      const groups = new Int32Array(this.pairCount * 2);
      groups.set(this.pairGroups);
      this.pairGroups = groups;
    }
    this.pairVisitors[this.pairCount] = visitor;
    this.pairGroups[this.pairCount++] = group;
  }

  /** A visit that started in the period, for a visit-level value. */
  visit(group: number, bounced: boolean, pageviews: number, duration: number): void {
    this.visits[group]++;
    if (bounced) this.bounces[group]++;
    this.visitPageviews[group] += pageviews;
    this.durations[group] += duration;
  }

  /** Every group's counts, with its distinct visitors. */
  totals(): GroupTotals {
    this.countPairs();
    return {
      visitors: this.visitors,
      visits: this.visits,
      pageviews: this.pageviews,
      bounces: this.bounces,
      visitPageviews: this.visitPageviews,
      durations: this.durations,
    };
  }

  /**
   * Adds the distinct pairs to their groups' visitors. The pairs are laid out in buckets by a
   * hash of both (about four a bucket), and each bucket is checked pair by pair: linear in the
   * pairs, and kind to the processor's caches.
   */
  private countPairs(): void {
    const count = this.pairCount;
    const visitors = this.pairVisitors;
    const groups = this.pairGroups;
    let buckets = 1;
    while (buckets * 4 < count) buckets <<= 1;
    const mask = buckets - 1;
    const bucketOf = new Int32Array(count);
    const starts = new Int32Array(buckets + 1);
    for (let k = 0; k < count; k++) {
      let hash = Math.imul(visitors[k] ^ Math.imul(groups[k], 0x9e3779b1), 0x85ebca6b);
      hash ^= hash >>> 15;
      bucketOf[k] = hash & mask;
      starts[(hash & mask) + 1]++;
    }
    for (let b = 0; b < buckets; b++) starts[b + 1] += starts[b];
    const next = starts.slice(0, buckets);
    const laidVisitors = new Int32Array(count);
    const laidGroups = new Int32Array(count);
    for (let k = 0; k < count; k++) {
      const at = next[bucketOf[k]]++;
      laidVisitors[at] = visitors[k];
      laidGroups[at] = groups[k];
    }
    for (let b = 0; b < buckets; b++) {
      const from = starts[b];
      for (let i = from; i < starts[b + 1]; i++) {
        let seen = false;
        for (let j = from; j < i && !seen; j++) {
          seen = laidVisitors[j] === laidVisitors[i] && laidGroups[j] === laidGroups[i];
        }
        if (!seen) this.visitors[laidGroups[i]]++;
      }
    }
    this.pairCount = 0;
  }
}
