import type { Dimension } from '../dimensions.js';
import type { Totals } from '../stats.service.js';
import { type DimensionFilter, likePattern } from '../filters.js';
import { type QueryScope, StatsQueryBuilder } from '../stats-query.js';
import {
  BOUNCED,
  type Codes,
  DayColumns,
  EVENT_COLUMN,
  FORMAT_VERSION,
  PAGE_COLUMNS,
  STARTED,
  VISIT_COLUMNS,
} from './day-columns.js';
import { OTHER, FIRST, VisitorIndex, type VisitorMarks } from './visitor-index.js';

/** A read-only query on a stats connection. */
export type Read = <T>(sql: string, params: unknown[]) => Promise<T[]>;

/** The counts of one value of a breakdown, as the raw query gives them. */
export type ValueTotals = Totals & { value: string | null };

/** The interval of a timeseries the day columns answer (days are their unit). */
export type DayInterval = 'day' | 'week' | 'month';

/**
 * Whether the day columns answer under `filters` (each on a visit or page dimension), and for
 * a breakdown by `dimension` (a visit or page dimension, or `event`) when given.
 */
export function columnsAnswer(filters: QueryScope['filters'], dimension?: Dimension): boolean {
  const kept = (d: Dimension) =>
    (d.level === 'visit' ? VISIT_COLUMNS : d.level === 'page' ? PAGE_COLUMNS : []).includes(d.name);
  return (
    (dimension === undefined || kept(dimension) || dimension.name === EVENT_COLUMN) &&
    filters.every((filter) => filter.kind === 'dimension' && kept(filter.dimension))
  );
}

/**
 * Lets the event loop run between two days' counting (a few milliseconds each on a big site),
 * so that `/track` requests on the same replica never wait behind a whole period's.
 */
const breath = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Sets of filters whose passes are kept with a day. */
const PASSES_PER_DAY = 2;

/** A day of a period, with the number of each visit's visitor (see `VisitorIndex`). */
interface PeriodDay {
  date: string;
  day: DayColumns;
  visitors: Int32Array;
}

/** What passes the filters in one day: visits, page views, and visits with a passing page view. */
interface DayPasses {
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

/**
 * Counts breakdowns, totals and timeseries from the day columns (see `day-columns.ts`) of a
 * period's days, kept in memory up to `maxBytes` (least recently used first out) and read again
 * when a day's columns were written anew. Filters and the search are decided by PostgreSQL on the
 * values of the days' dictionaries (the raw queries' own conditions, so every operator,
 * wildcard, case rule and `(none)` behaves the same); the counting is done here, over arrays of
 * codes, as the raw queries count (see `StatsQueryBuilder`): a visit filter keeps the visits with
 * that value and their page views; page filters keep the page views that pass them all, and the
 * visits with such a page view (on any day).
 */
export class ColumnsReader {
  private readonly cache = new Map<string, { version: string; day: DayColumns }>();
  /** What passes the last filters asked of each day (see `passesOf`). */
  private readonly passes = new WeakMap<DayColumns, Map<string, DayPasses>>();
  private readonly visitors = new VisitorIndex();
  /** Days being read (`site:day:version`), for the requests that want them meanwhile. */
  private readonly loading = new Map<string, Promise<DayColumns | undefined>>();
  private cachedBytes = 0;
  private cachedVisits = 0;

  constructor(
    private readonly read: Read,
    private readonly maxBytes: number,
  ) {}

  /**
   * Every value of a breakdown by `dimension` in `scope` that passes `search`, and the visitors
   * of the scope (a conversion rate's denominator, counted for `event` only: 0 otherwise); or
   * undefined when a day of the scope has no columns (not written yet: the raw rows answer).
   */
  async breakdown(
    scope: QueryScope,
    dimension: Dimension,
    search: string | undefined,
  ): Promise<{ values: ValueTotals[]; visitors: number } | undefined> {
    const days = await this.days(scope);
    if (!days) return undefined;
    const filtered = await this.filtered(scope, days, dimension, search);
    return this.counting(dimension.level === 'event' ? 2 : 1, async ([groups, everyone]) => {
      const all = everyone?.of(null) ?? -1;
      for (const [k, { day, visitors }] of days.entries()) {
        const passes = filtered.passesOf(k);
        const column = day.column(dimension.name);
        const groupOf = Int32Array.from(column.values, (value) =>
          filtered.search && !filtered.search.has(value) ? -1 : groups.of(value),
        );
        if (dimension.level === 'visit') {
          countVisits(day, visitors, passes, { codes: column.codes, groupOf }, groups);
        } else if (dimension.level === 'page') {
          countPageViews(day, visitors, column.codes, groupOf, passes, groups);
        } else countEvents(day, visitors, column.codes, groupOf, passes, groups);
        if (everyone) countVisits(day, visitors, passes, all, everyone);
        await breath();
      }
      return {
        values: groups.totals(),
        visitors: everyone ? everyone.totals(true)[0].visitors : 0,
      };
    });
  }

  /** The totals of `scope`, or undefined (see `breakdown`). */
  async totals(scope: QueryScope): Promise<Totals | undefined> {
    const days = await this.days(scope);
    if (!days) return undefined;
    const filtered = await this.filtered(scope, days);
    return this.counting(1, async ([groups]) => {
      const group = groups.of(null);
      for (const [k, { day, visitors }] of days.entries()) {
        countVisits(day, visitors, filtered.passesOf(k), group, groups);
        await breath();
      }
      return groups.totals(true)[0];
    });
  }

  /**
   * The totals of each bucket of `interval` (keyed `YYYY-MM-DD`, its first day) that has any,
   * or undefined (see `breakdown`).
   */
  async series(scope: QueryScope, interval: DayInterval): Promise<Map<string, Totals> | undefined> {
    const days = await this.days(scope);
    if (!days) return undefined;
    const filtered = await this.filtered(scope, days);
    return this.counting(1, async ([groups]) => {
      for (const [k, { date, day, visitors }] of days.entries()) {
        const group = groups.of(bucketOf(date, interval));
        countVisits(day, visitors, filtered.passesOf(k), group, groups);
        await breath();
      }
      return new Map(groups.totals().map(({ value, ...totals }) => [value!, totals]));
    });
  }

  /** Runs `count` with `n` sets of groups, each with its own visitor marks. */
  private async counting<T>(n: number, count: (groups: Groups[]) => Promise<T>): Promise<T> {
    const marks = Array.from({ length: n }, () => this.visitors.marks());
    try {
      return await count(marks.map((m) => new Groups(m)));
    } finally {
      for (const m of marks) this.visitors.release(m);
    }
  }

  /**
   * What passes the scope's filters in each of `days` (by position), and the values that pass
   * `search` in the dictionaries of `dimension`. The panels of one dashboard ask the same filters
   * of the same days: their passes are kept with the day (the last two sets of filters), and
   * PostgreSQL is asked which values pass the filters only when a day has none kept.
   */
  private async filtered(
    scope: QueryScope,
    days: PeriodDay[],
    dimension?: Dimension,
    search?: string,
  ): Promise<{ passesOf: (k: number) => DayPasses; search?: Set<string | null> }> {
    const filters = scope.filters as DimensionFilter[];
    const signature = JSON.stringify(
      filters.map((filter) => [filter.dimension.name, filter.operator, filter.values]),
    );
    // Held from now on: another request's filters may push them out of the days meanwhile.
    const held = days.map(({ day }) => this.passes.get(day)?.get(signature));
    const passing = await this.passingValues(
      scope,
      days,
      held.includes(undefined),
      dimension,
      search,
    );
    return {
      passesOf: (k) =>
        (held[k] ??= this.passesOf(days[k].day, signature, filters, passing.filters)),
      search: passing.search,
    };
  }

  /** Which visits and page views of a day pass `filters` (`signature`), kept with the day. */
  private passesOf(
    day: DayColumns,
    signature: string,
    filters: DimensionFilter[],
    passing: Set<string | null>[],
  ): DayPasses {
    let kept = this.passes.get(day);
    if (!kept) this.passes.set(day, (kept = new Map<string, DayPasses>()));
    const known = kept.get(signature);
    if (known) return known;
    const passes = this.computePasses(day, filters, passing);
    kept.set(signature, passes);
    if (kept.size > PASSES_PER_DAY) kept.delete(kept.keys().next().value!);
    return passes;
  }

  /** Which visits and page views of a day pass the filters (`passing`: their passing values). */
  private computePasses(
    day: DayColumns,
    filters: DimensionFilter[],
    passing: Set<string | null>[],
  ): DayPasses {
    const visits = new Uint8Array(day.visitCount).fill(1);
    const total = day.pageViewVisits.length;
    let pageViews: Uint8Array | null = null;
    let events: Uint8Array | null = null;
    const narrow = (target: Uint8Array, ok: Uint8Array, codes: Codes): void => {
      for (let i = 0; i < target.length; i++) target[i] &= ok[codes[i]];
    };
    filters.forEach((filter, k) => {
      const { name } = filter.dimension;
      const column = day.column(name);
      const ok = Uint8Array.from(column.values, (value) => (passing[k].has(value) ? 1 : 0));
      if (filter.dimension.level === 'visit') return narrow(visits, ok, column.codes);
      narrow((pageViews ??= new Uint8Array(total).fill(1)), ok, column.codes);
      // A custom event is on a page too: page filters keep the events of pages that pass.
      narrow(
        (events ??= new Uint8Array(day.eventVisits.length).fill(1)),
        ok,
        day.eventPageCodes.get(name)!,
      );
    });
    const visitList = filters.some((filter) => filter.dimension.level === 'visit')
      ? indicesOf(visits)
      : null;
    const pageViewList = filters.length > 0 ? passingPageViews(day, visits, pageViews) : null;
    if (!pageViews) {
      return { visits, visitList, pageViewList, pageViews, hits: day.hits, hasPage: null, events };
    }
    const hits = new Uint32Array(day.visitCount);
    const hasPage = new Uint8Array(day.visitCount);
    const pageViewVisits = day.pageViewVisits;
    for (let j = 0; j < total; j++) {
      if (!pageViews[j]) continue;
      const visit = pageViewVisits[j];
      hasPage[visit] = 1;
      if (j < day.pageViewCount) hits[visit]++;
    }
    return { visits, visitList, pageViewList, pageViews, hits, hasPage, events };
  }

  /**
   * The columns of every rolled-up day of `scope`, or undefined when one of them has none (of
   * this format). Days come from the cache when their row is the one cached: the same `xmin`
   * (the transaction that wrote it).
   */
  private async days(scope: QueryScope): Promise<PeriodDay[] | undefined> {
    const { siteId } = scope;
    const listed = await this.read<{ day: string; version: string | null }>(
      `SELECT to_char(d.day, 'YYYY-MM-DD') AS day, c.xmin::text AS version
         FROM stats_days d LEFT JOIN stats_day_columns c
              ON c.site_id = d.site_id AND c.day = d.day AND c.format = $4
        WHERE d.site_id = $1 AND d.day >= $2::date AND d.day <= $3::date
        ORDER BY d.day`,
      [siteId, scope.days!.first, scope.days!.last, FORMAT_VERSION],
    );
    if (listed.some((row) => row.version === null)) return undefined;
    const found = new Map<string, DayColumns>();
    const coming = new Map<string, Promise<DayColumns | undefined>>();
    const wanted: typeof listed = [];
    for (const row of listed) {
      const cached = this.cached(siteId, row.day, row.version!);
      const loading = this.loading.get(`${siteId}:${row.day}:${row.version}`);
      if (cached) found.set(row.day, cached);
      else if (loading) coming.set(row.day, loading);
      else wanted.push(row);
    }
    if (wanted.length > 0) {
      // The panels of a dashboard ask for the same days at once: one read serves them all.
      const loaded = this.load(
        siteId,
        wanted.map((row) => row.day),
      );
      for (const row of wanted) {
        const key = `${siteId}:${row.day}:${row.version}`;
        const day = loaded.then((days) => days.get(row.day));
        const forget = () => void this.loading.delete(key);
        this.loading.set(key, day);
        day.then(forget, forget);
        coming.set(row.day, day);
      }
    }
    for (const [date, loading] of coming) {
      const day = await loading;
      if (day) found.set(date, day);
    }
    // A day whose columns went meanwhile (retention): the raw rows answer.
    if (found.size < listed.length) return undefined;
    // Numbered together, with no await between: all with the same generation of the index.
    this.visitors.trim(this.cachedVisits);
    return listed.map((row) => {
      const day = found.get(row.day)!;
      return { date: row.day, day, visitors: this.visitors.numbersOf(day) };
    });
  }

  /** Reads and decodes the columns of some days of a site, and keeps them. */
  private async load(siteId: string, days: string[]): Promise<Map<string, DayColumns>> {
    // Base64, not bytea's hex text: a third less to receive and to turn into a string.
    const rows = await this.read<{ day: string; version: string; data: string }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, xmin::text AS version,
              encode(data, 'base64') AS data
         FROM stats_day_columns WHERE site_id = $1 AND day = ANY($2::date[]) AND format = $3`,
      [siteId, days, FORMAT_VERSION],
    );
    const loaded = new Map<string, DayColumns>();
    for (const row of rows) {
      // Node's base64 decoding skips the line breaks PostgreSQL puts in every 76 characters.
      const day = DayColumns.decode(Buffer.from(row.data, 'base64'));
      this.remember(siteId, row.day, row.version, day);
      loaded.set(row.day, day);
      await breath();
    }
    return loaded;
  }

  private cached(siteId: string, day: string, version: string): DayColumns | undefined {
    const key = `${siteId}:${day}`;
    const entry = this.cache.get(key);
    if (!entry || entry.version !== version) return undefined;
    // Most recently used last.
    this.cache.delete(key);
    this.cache.set(key, entry);
    return entry.day;
  }

  private remember(siteId: string, day: string, version: string, columns: DayColumns): void {
    const key = `${siteId}:${day}`;
    const old = this.cache.get(key);
    if (old) {
      this.cachedBytes -= old.day.bytes;
      this.cachedVisits -= old.day.visitCount;
      this.cache.delete(key);
    }
    if (columns.bytes > this.maxBytes) return;
    this.cache.set(key, { version, day: columns });
    this.cachedBytes += columns.bytes;
    this.cachedVisits += columns.visitCount;
    for (const [oldest, entry] of this.cache) {
      if (this.cachedBytes <= this.maxBytes) break;
      this.cache.delete(oldest);
      this.cachedBytes -= entry.day.bytes;
      this.cachedVisits -= entry.day.visitCount;
    }
  }

  /**
   * The values of the days' dictionaries that pass each filter (with `ofFilters`; else none),
   * and the search (undefined: no search), as PostgreSQL decides: one round trip, or none.
   */
  private async passingValues(
    scope: QueryScope,
    days: { day: DayColumns }[],
    ofFilters: boolean,
    dimension?: Dimension,
    search?: string,
  ): Promise<{ filters: Set<string | null>[]; search?: Set<string | null> }> {
    const filters = ofFilters ? (scope.filters as DimensionFilter[]) : [];
    const query = new StatsQueryBuilder(scope);
    const selects: string[] = [];
    const candidates: (string | null)[][] = [];
    const select = (name: string, condition: (value: string) => string): void => {
      const values = [...new Set(days.flatMap(({ day }) => day.column(name).values))];
      candidates.push(values);
      // Ordinals, not values: a null value passes as its ordinal too.
      selects.push(`ARRAY(SELECT u.ord::int FROM unnest(${query.param(values)}::text[])
                           WITH ORDINALITY AS u(value, ord) WHERE ${condition('u.value')})`);
    };
    for (const filter of filters) {
      select(filter.dimension.name, (value) => query.conditionOn(filter, value));
    }
    if (search && dimension) {
      select(
        dimension.name,
        (value) => `${value} ILIKE ${query.param(`%${likePattern(search, false)}%`)}`,
      );
    }
    if (selects.length === 0) return { filters: [] };
    const [row] = await this.read<{ passing: number[][] }>(
      `SELECT jsonb_build_array(${selects.map((sql) => `to_jsonb(${sql})`).join(', ')}) AS passing`,
      query.params,
    );
    const sets = row.passing.map(
      (ordinals, k) => new Set(ordinals.map((ordinal) => candidates[k][ordinal - 1])),
    );
    return {
      filters: sets.slice(0, filters.length),
      search: search && dimension ? sets.at(-1) : undefined,
    };
  }
}

/**
 * Visit-level values (`by`: one group for every visit, or a group per code of a visit column, -1
 * for none): visitors and page views of the day's page views that pass by their visit's value,
 * and visits, bounces, page views and duration of the visits that started that day and pass.
 * The hottest loop of the stats: everything it reads is a local typed array.
 */
function countVisits(
  day: DayColumns,
  visitors: Int32Array,
  passes: DayPasses,
  by: number | { codes: Codes; groupOf: Int32Array },
  groups: Groups,
): void {
  const { flags, visitPageviews, durations } = day;
  const { visitList, hits: hitsOf, hasPage } = passes;
  const codes = typeof by === 'number' ? null : by.codes;
  const groupOf = typeof by === 'number' ? null : by.groupOf;
  const single = typeof by === 'number' ? by : -1;
  // Only the visits that pass the visit filters (a third of them for a common source, say).
  const count = visitList === null ? day.visitCount : visitList.length;
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
function countPageViews(
  day: DayColumns,
  visitors: Int32Array,
  codes: Codes,
  groupOf: Int32Array,
  passes: DayPasses,
  groups: Groups,
): void {
  // A visit's page views are consecutive: the last visit seen with a value is enough.
  const lastVisit = new Int32Array(groupOf.length).fill(-1);
  const visits = day.pageViewVisits;
  const list = passes.pageViewList;
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
      groups.pageVisit(group);
    } else {
      groups.pageviews[group]++;
    }
  }
}

/** Custom events by name: their visitors, and the events (counted as `pageviews`). */
function countEvents(
  day: DayColumns,
  visitors: Int32Array,
  codes: Codes,
  groupOf: Int32Array,
  passes: DayPasses,
  groups: Groups,
): void {
  const visits = day.eventVisits;
  const passed = passes.visits;
  const eventPassed = passes.events;
  for (let j = 0; j < visits.length; j++) {
    const visit = visits[j];
    if (passed[visit] === 0 || (eventPassed !== null && eventPassed[j] === 0)) continue;
    const group = groupOf[codes[j]];
    if (group >= 0) groups.hit(group, visitors[visit], 1);
  }
}

/** The page views of the day (not the later ones) of passing visits that pass the page filters. */
function passingPageViews(
  day: DayColumns,
  visits: Uint8Array,
  pageViews: Uint8Array | null,
): Uint32Array {
  const ofVisit = day.pageViewVisits;
  const passes = new Uint8Array(day.pageViewCount);
  for (let j = 0; j < passes.length; j++) {
    passes[j] = visits[ofVisit[j]] & (pageViews === null ? 1 : pageViews[j]);
  }
  return indicesOf(passes);
}

/** The positions of the ones in `flags`, in order. */
function indicesOf(flags: Uint8Array): Uint32Array {
  let count = 0;
  for (let i = 0; i < flags.length; i++) count += flags[i];
  const indices = new Uint32Array(count);
  for (let i = 0, k = 0; i < flags.length; i++) if (flags[i] !== 0) indices[k++] = i;
  return indices;
}

/** The values of a breakdown being counted, by group number. */
class Groups {
  private readonly index = new Map<string | null, number>();
  private readonly values: (string | null)[] = [];
  pageviews: number[] = [];
  private visits: number[] = [];
  private bounces: number[] = [];
  private visitPageviews: number[] = [];
  private durations: number[] = [];
  /** Distinct visitors per group, but for those first seen in another group (`pairs`). */
  private visitors: number[] = [];
  /** Visitors seen in a group other than their first, with that group: maybe seen there before. */
  private pairVisitors = new Int32Array(1 << 12);
  private pairGroups = new Int32Array(1 << 12);
  private pairCount = 0;

  constructor(private readonly marks: VisitorMarks) {}

  of(value: string | null): number {
    let group = this.index.get(value);
    if (group === undefined) {
      group = this.values.length;
      this.index.set(value, group);
      this.values.push(value);
      this.pageviews.push(0);
      this.visits.push(0);
      this.bounces.push(0);
      this.visitPageviews.push(0);
      this.durations.push(0);
      this.visitors.push(0);
    }
    return group;
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

  /** A visit (on one day) with a page view of a page-level value. */
  pageVisit(group: number): void {
    this.visits[group]++;
  }

  /** Every group touched (or every group, with `all`), with its distinct visitors. */
  totals(all = false): ValueTotals[] {
    this.countPairs();
    const out: ValueTotals[] = [];
    for (let group = 0; group < this.values.length; group++) {
      if (!all && this.pageviews[group] === 0 && this.visits[group] === 0) continue;
      out.push({
        value: this.values[group],
        visitors: this.visitors[group],
        visits: this.visits[group],
        pageviews: this.pageviews[group],
        bounces: this.bounces[group],
        visitPageviews: this.visitPageviews[group],
        durationSeconds: this.durations[group],
      });
    }
    return out;
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

/** The first day (`YYYY-MM-DD`) of the bucket of `interval` that holds `date`: weeks from Monday. */
export function bucketOf(date: string, interval: DayInterval): string {
  if (interval === 'day') return date;
  if (interval === 'month') return `${date.slice(0, 8)}01`;
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7));
  return day.toISOString().slice(0, 10);
}
