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

/** What passes the filters in one day: visits, page views, and visits with a passing page view. */
interface DayPasses {
  /** Per visit: it passes the visit filters (1) or not (0). */
  visits: Uint8Array;
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
  private cachedBytes = 0;

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
    const passing = await this.passingValues(scope, days, dimension, search);
    const groups = new Groups();
    const everyone = dimension.level === 'event' ? new Groups() : undefined;
    const all = everyone?.of(null) ?? -1;
    for (const { day } of days) {
      const passes = this.passesOf(day, scope, passing.filters);
      const column = day.column(dimension.name);
      const groupOf = column.values.map((value) =>
        passing.search && !passing.search.has(value) ? -1 : groups.of(value),
      );
      if (dimension.level === 'visit') {
        countVisits(day, passes, (i) => groupOf[column.codes[i]], groups);
      } else if (dimension.level === 'page') {
        countPageViews(day, column.codes, groupOf, passes, groups);
      } else countEvents(day, column.codes, groupOf, passes, groups);
      if (everyone) countVisits(day, passes, () => all, everyone);
      await breath();
    }
    return {
      values: groups.totals(),
      visitors: everyone ? everyone.totals(true)[0].visitors : 0,
    };
  }

  /** The totals of `scope`, or undefined (see `breakdown`). */
  async totals(scope: QueryScope): Promise<Totals | undefined> {
    const days = await this.days(scope);
    if (!days) return undefined;
    const passing = await this.passingValues(scope, days);
    const groups = new Groups();
    const group = groups.of(null);
    for (const { day } of days) {
      countVisits(day, this.passesOf(day, scope, passing.filters), () => group, groups);
      await breath();
    }
    return groups.totals(true)[0];
  }

  /**
   * The totals of each bucket of `interval` (keyed `YYYY-MM-DD`, its first day) that has any,
   * or undefined (see `breakdown`).
   */
  async series(scope: QueryScope, interval: DayInterval): Promise<Map<string, Totals> | undefined> {
    const days = await this.days(scope);
    if (!days) return undefined;
    const passing = await this.passingValues(scope, days);
    const groups = new Groups();
    for (const { date, day } of days) {
      const group = groups.of(bucketOf(date, interval));
      countVisits(day, this.passesOf(day, scope, passing.filters), () => group, groups);
      await breath();
    }
    return new Map(groups.totals().map(({ value, ...totals }) => [value!, totals]));
  }

  /** Which visits and page views of a day pass the scope's filters. */
  private passesOf(day: DayColumns, scope: QueryScope, passing: Set<string | null>[]): DayPasses {
    // The panels of one dashboard ask the same filters of the same days: their passes are kept
    // with the day (the last two sets of filters), and go with it out of the cache.
    const filters = scope.filters as DimensionFilter[];
    const signature = JSON.stringify(
      filters.map((filter) => [filter.dimension.name, filter.operator, filter.values]),
    );
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
    if (!pageViews) return { visits, pageViews, hits: day.hits, hasPage: null, events };
    const hits = new Uint32Array(day.visitCount);
    const hasPage = new Uint8Array(day.visitCount);
    const pageViewVisits = day.pageViewVisits;
    for (let j = 0; j < total; j++) {
      if (!pageViews[j]) continue;
      const visit = pageViewVisits[j];
      hasPage[visit] = 1;
      if (j < day.pageViewCount) hits[visit]++;
    }
    return { visits, pageViews, hits, hasPage, events };
  }

  /**
   * The columns of every rolled-up day of `scope`, or undefined when one of them has none (of
   * this format). Days come from the cache when their row is the one cached: the same `xmin`
   * (the transaction that wrote it).
   */
  private async days(scope: QueryScope): Promise<{ date: string; day: DayColumns }[] | undefined> {
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
    const wanted: string[] = [];
    for (const row of listed) {
      const cached = this.cached(siteId, row.day, row.version!);
      if (cached) found.set(row.day, cached);
      else wanted.push(row.day);
    }
    if (wanted.length > 0) {
      const rows = await this.read<{ day: string; version: string; data: Buffer }>(
        `SELECT to_char(day, 'YYYY-MM-DD') AS day, xmin::text AS version, data
           FROM stats_day_columns WHERE site_id = $1 AND day = ANY($2::date[]) AND format = $3`,
        [siteId, wanted, FORMAT_VERSION],
      );
      for (const row of rows) {
        const day = DayColumns.decode(row.data);
        this.remember(siteId, row.day, row.version, day);
        found.set(row.day, day);
        await breath();
      }
    }
    // A day whose columns went meanwhile (retention): the raw rows answer.
    if (found.size < listed.length) return undefined;
    return listed.map((row) => ({ date: row.day, day: found.get(row.day)! }));
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
      this.cache.delete(key);
    }
    if (columns.bytes > this.maxBytes) return;
    this.cache.set(key, { version, day: columns });
    this.cachedBytes += columns.bytes;
    for (const [oldest, entry] of this.cache) {
      if (this.cachedBytes <= this.maxBytes) break;
      this.cache.delete(oldest);
      this.cachedBytes -= entry.day.bytes;
    }
  }

  /**
   * The values of the days' dictionaries that pass each filter, and the search (undefined: no
   * search), as PostgreSQL decides: one round trip.
   */
  private async passingValues(
    scope: QueryScope,
    days: { day: DayColumns }[],
    dimension?: Dimension,
    search?: string,
  ): Promise<{ filters: Set<string | null>[]; search?: Set<string | null> }> {
    const filters = scope.filters as DimensionFilter[];
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
 * Visit-level values (`groupOf` a visit's group, -1 for none): visitors and page views of the
 * day's page views that pass by their visit's value, and visits, bounces, page views and
 * duration of the visits that started that day and pass.
 */
function countVisits(
  day: DayColumns,
  passes: DayPasses,
  groupOf: (visit: number) => number,
  groups: Groups,
): void {
  for (let i = 0; i < day.visitCount; i++) {
    if (!passes.visits[i]) continue;
    const group = groupOf(i);
    if (group < 0) continue;
    const hits = passes.hits[i];
    if (hits > 0) groups.hit(group, day.visitors[i], hits);
    if (day.flags[i] & STARTED && (!passes.hasPage || passes.hasPage[i])) {
      groups.visit(group, (day.flags[i] & BOUNCED) !== 0, day.visitPageviews[i], day.durations[i]);
    }
  }
}

/**
 * Page-level values: visitors and page views of the day's page views with the value, and the
 * visits among them (once per visit and day, as the rollups count them).
 */
function countPageViews(
  day: DayColumns,
  codes: Codes,
  groupOf: number[],
  passes: DayPasses,
  groups: Groups,
): void {
  // A visit's page views are consecutive: the last visit seen with a value is enough.
  const lastVisit = new Int32Array(groupOf.length).fill(-1);
  const visits = day.pageViewVisits;
  for (let j = 0; j < day.pageViewCount; j++) {
    const visit = visits[j];
    if (!passes.visits[visit] || (passes.pageViews && !passes.pageViews[j])) continue;
    const code = codes[j];
    const group = groupOf[code];
    if (group < 0) continue;
    if (lastVisit[code] !== visit) {
      lastVisit[code] = visit;
      groups.hit(group, day.visitors[visit], 1);
      groups.pageVisit(group);
    } else {
      groups.pageviews[group]++;
    }
  }
}

/** Custom events by name: their visitors, and the events (counted as `pageviews`). */
function countEvents(
  day: DayColumns,
  codes: Codes,
  groupOf: number[],
  passes: DayPasses,
  groups: Groups,
): void {
  const visits = day.eventVisits;
  for (let j = 0; j < visits.length; j++) {
    const visit = visits[j];
    if (!passes.visits[visit] || (passes.events && !passes.events[j])) continue;
    const group = groupOf[codes[j]];
    if (group >= 0) groups.hit(group, day.visitors[visit], 1);
  }
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
  /** Visitor keys with their group, to count distinct ones per group at the end. */
  private keys = new Float64Array(1 << 16);
  private keyGroups = new Int32Array(1 << 16);
  private keyCount = 0;

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
    }
    return group;
  }

  /** Page views of a visitor with the group's value (the visitor counted once per group). */
  hit(group: number, visitor: number, pageviews: number): void {
    this.pageviews[group] += pageviews;
    if (this.keyCount === this.keys.length) {
      const keys = new Float64Array(this.keys.length * 2);
      keys.set(this.keys);
      this.keys = keys;
      const keyGroups = new Int32Array(this.keyGroups.length * 2);
      keyGroups.set(this.keyGroups);
      this.keyGroups = keyGroups;
    }
    this.keys[this.keyCount] = visitor;
    this.keyGroups[this.keyCount++] = group;
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
    const visitors = this.distinctVisitors();
    const out: ValueTotals[] = [];
    for (let group = 0; group < this.values.length; group++) {
      if (!all && this.pageviews[group] === 0 && this.visits[group] === 0) continue;
      out.push({
        value: this.values[group],
        visitors: visitors[group],
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
   * Distinct visitor keys per group. The (group, key) pairs are laid out in buckets by a hash of
   * both (about four pairs a bucket), and each bucket is checked pair by pair: linear in the
   * pairs, two to three times faster than sorting each group's keys.
   */
  private distinctVisitors(): Int32Array {
    const count = this.keyCount;
    const keys = this.keys;
    const keyGroups = this.keyGroups;
    let buckets = 1;
    while (buckets * 4 < count) buckets <<= 1;
    const mask = buckets - 1;
    const bucketOf = new Int32Array(count);
    const starts = new Int32Array(buckets + 1);
    for (let k = 0; k < count; k++) {
      // `| 0` keeps the key's low 32 bits (an integer below 2^53).
      let hash = Math.imul((keys[k] | 0) ^ Math.imul(keyGroups[k], 0x9e3779b1), 0x85ebca6b);
      hash ^= hash >>> 15;
      bucketOf[k] = hash & mask;
      starts[(hash & mask) + 1]++;
    }
    for (let b = 0; b < buckets; b++) starts[b + 1] += starts[b];
    const next = starts.slice(0, buckets);
    const laidKeys = new Float64Array(count);
    const laidGroups = new Int32Array(count);
    for (let k = 0; k < count; k++) {
      const at = next[bucketOf[k]]++;
      laidKeys[at] = keys[k];
      laidGroups[at] = keyGroups[k];
    }
    const visitors = new Int32Array(this.values.length);
    for (let b = 0; b < buckets; b++) {
      const from = starts[b];
      for (let i = from; i < starts[b + 1]; i++) {
        let seen = false;
        for (let j = from; j < i && !seen; j++) {
          seen = laidKeys[j] === laidKeys[i] && laidGroups[j] === laidGroups[i];
        }
        if (!seen) visitors[laidGroups[i]]++;
      }
    }
    return visitors;
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
