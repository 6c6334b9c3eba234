import type { Dimension } from '../dimensions.js';
import type { Totals } from '../stats.service.js';
import { type DimensionFilter, likePattern } from '../filters.js';
import { type QueryScope, StatsQueryBuilder } from '../stats-query.js';
import { CountPool } from './count-pool.js';
import {
  type Codes,
  DayColumns,
  EVENT_COLUMN,
  FORMAT_VERSION,
  PAGE_COLUMNS,
  sharedArray,
  VISIT_COLUMNS,
} from './day-columns.js';
import type { CountDay, CountTask, DayPasses, GroupTotals } from './day-count.js';
import { VisitorIndex } from './visitor-index.js';

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

  /**
   * @param pool where the counts run: on worker threads, or (the default) on the main thread.
   */
  constructor(
    private readonly read: Read,
    private readonly maxBytes: number,
    private readonly pool = new CountPool(0),
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
    const groups = new GroupNames();
    const result = await this.count(
      dimension.level,
      days,
      filtered,
      groups,
      (day) => {
        const column = day.column(dimension.name);
        const groupOf = Int32Array.from(column.values, (value) =>
          filtered.search && !filtered.search.has(value) ? -1 : groups.of(value),
        );
        return { codes: column.codes, groupOf };
      },
      dimension.level === 'event',
    );
    return { values: groups.totals(result.groups), visitors: result.everyone };
  }

  /** The totals of `scope`, or undefined (see `breakdown`). */
  async totals(scope: QueryScope): Promise<Totals | undefined> {
    const days = await this.days(scope);
    if (!days) return undefined;
    const filtered = await this.filtered(scope, days);
    const groups = new GroupNames();
    const all = groups.of(null);
    const result = await this.count('visit', days, filtered, groups, () => all);
    return groups.totals(result.groups, true)[0];
  }

  /**
   * The totals of each bucket of `interval` (keyed `YYYY-MM-DD`, its first day) that has any,
   * or undefined (see `breakdown`).
   */
  async series(scope: QueryScope, interval: DayInterval): Promise<Map<string, Totals> | undefined> {
    const days = await this.days(scope);
    if (!days) return undefined;
    const filtered = await this.filtered(scope, days);
    const groups = new GroupNames();
    const result = await this.count('visit', days, filtered, groups, (_day, date) =>
      groups.of(bucketOf(date, interval)),
    );
    return new Map(groups.totals(result.groups).map(({ value, ...totals }) => [value!, totals]));
  }

  /**
   * Counts `days` by `level` in the groups `by` gives a day (a group per code of a column, or one
   * group for the whole day), on the pool.
   */
  private async count(
    level: CountTask['level'],
    days: PeriodDay[],
    filtered: { passesOf: (k: number) => DayPasses; fresh: (k: number) => boolean },
    groups: GroupNames,
    by: (day: DayColumns, date: string) => number | { codes: Codes; groupOf: Int32Array },
    everyone = false,
  ): Promise<{ groups: GroupTotals; everyone: number }> {
    const counted: CountDay[] = [];
    for (const [k, { date, day, visitors }] of days.entries()) {
      // Working out what passes takes a few milliseconds a day, once per day and filters.
      if (!filtered.fresh(k)) await breath();
      const passes = filtered.passesOf(k);
      const grouping = by(day, date);
      counted.push({
        flags: day.flags,
        visitPageviews: day.visitPageviews,
        durations: day.durations,
        pageViewVisits: day.pageViewVisits,
        pageViewCount: day.pageViewCount,
        eventVisits: day.eventVisits,
        visitors,
        passes,
        ...(typeof grouping === 'number'
          ? { codes: null, groupOf: null, single: grouping }
          : { ...grouping, single: -1 }),
      });
    }
    return this.pool.run({
      level,
      groups: groups.size,
      visitors: this.visitors.bound,
      everyone,
      days: counted,
    });
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
  ): Promise<{
    passesOf: (k: number) => DayPasses;
    /** Whether the passes of a day are at hand (kept), not to be worked out. */
    fresh: (k: number) => boolean;
    search?: Set<string | null>;
  }> {
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
      fresh: (k) => held[k] !== undefined || filters.length === 0,
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
    // In shared memory, as the days are: a worker thread counts with them (see `CountPool`).
    const visits = sharedArray(Uint8Array, day.visitCount).fill(1);
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
      narrow((pageViews ??= sharedArray(Uint8Array, total).fill(1)), ok, column.codes);
      // A custom event is on a page too: page filters keep the events of pages that pass.
      narrow(
        (events ??= sharedArray(Uint8Array, day.eventVisits.length).fill(1)),
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
    const hits = sharedArray(Uint32Array, day.visitCount);
    const hasPage = sharedArray(Uint8Array, day.visitCount);
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
  const indices = sharedArray(Uint32Array, count);
  for (let i = 0, k = 0; i < flags.length; i++) if (flags[i] !== 0) indices[k++] = i;
  return indices;
}

/** The values of a breakdown being counted, by group number. */
class GroupNames {
  private readonly index = new Map<string | null, number>();
  private readonly values: (string | null)[] = [];

  get size(): number {
    return this.values.length;
  }

  of(value: string | null): number {
    let group = this.index.get(value);
    if (group === undefined) {
      group = this.values.length;
      this.index.set(value, group);
      this.values.push(value);
    }
    return group;
  }

  /** Every group counted (or every group, with `all`) with its value and counts. */
  totals(counts: GroupTotals, all = false): ValueTotals[] {
    const out: ValueTotals[] = [];
    for (let group = 0; group < this.values.length; group++) {
      if (!all && counts.pageviews[group] === 0 && counts.visits[group] === 0) continue;
      out.push({
        value: this.values[group],
        visitors: counts.visitors[group],
        visits: counts.visits[group],
        pageviews: counts.pageviews[group],
        bounces: counts.bounces[group],
        visitPageviews: counts.visitPageviews[group],
        durationSeconds: counts.durations[group],
      });
    }
    return out;
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
