import {
  Inject,
  Injectable,
  type OnApplicationShutdown,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Clock } from '../common/clock.js';
import { Semaphore, SemaphoreFullError, SemaphoreTimeoutError } from '../common/semaphore.js';
import { TtlCache } from '../common/ttl-cache.js';
import {
  type FilteredTrafficCounts,
  FilteredTrafficService,
} from '../filtered-traffic/filtered-traffic.service.js';
import { statsConfig } from '../config/stats.config.js';
import { toLikePattern } from '../goals/goal-match.js';
import { type GoalView, GoalsService } from '../goals/goals.service.js';
import { type Dimension, dimensionNamed, DIMENSION_NAMES, propKey } from './dimensions.js';
import {
  type DimensionFilter,
  type Filter,
  FilterError,
  type GoalFilter,
  parseFilters,
} from './filters.js';
import {
  checkInterval,
  type Comparison,
  type Interval,
  localDateTime,
  type PeriodName,
  type ResolvedPeriod,
  resolvePeriod,
  shiftDate,
} from './period.js';
import {
  BOUNDS_SQL,
  readsOnePiece,
  ROLLUP_COUNTS,
  ROLLUP_SKETCHES,
  ROLLUP_VISITOR_SUMS,
  type RollupCounts,
  type RollupSums,
  rollupFilter,
  rollupSeriesSql,
  rollupSource,
  rollupValues,
  visitorsOf,
} from './rollups/rollup-queries.js';
import { bucketOf, ColumnsReader, columnsAnswer } from './columns/columns-reader.js';
import { CountPool } from './columns/count-pool.js';
import { StatsPool } from './stats-pool.js';
import { type GoalDefinition, type QueryScope, StatsQueryBuilder } from './stats-query.js';

/** What every stats read is asked with. */
export interface StatsRequest {
  period: PeriodName;
  date?: string;
  from?: string;
  to?: string;
  compare: Comparison;
  filters: string[] | string | undefined;
  /** The site's timezone when the caller read it already (the access guard does): one query less. */
  timezone?: string;
}

export interface Totals {
  visitors: number;
  visits: number;
  pageviews: number;
  /** Visits with at most one page view. */
  bounces: number;
  /** Page views of the visits counted in `visits` (for views per visit). */
  visitPageviews: number;
  /** Seconds from start to last activity, summed over the visits. */
  durationSeconds: number;
}

export interface Metrics {
  visitors: number;
  visits: number;
  pageviews: number;
  viewsPerVisit: number;
  bounceRate: number;
  visitDuration: number;
}

export const METRICS = [
  'visitors',
  'visits',
  'pageviews',
  'viewsPerVisit',
  'bounceRate',
  'visitDuration',
] as const;

export interface PeriodView {
  name: PeriodName;
  from: string;
  to: string;
  timezone: string;
}

export interface SummaryResult {
  period: PeriodView;
  comparison: { from: string; to: string } | null;
  metrics: Metrics;
  previous: Metrics | null;
}

export interface TimeseriesPoint extends Metrics {
  /** The local start of the bucket: `YYYY-MM-DD` (day, week, month) or `YYYY-MM-DDTHH:MM`. */
  date: string;
}

export interface TimeseriesResult {
  period: PeriodView;
  interval: Interval;
  points: TimeseriesPoint[];
  comparison: { from: string; to: string; points: TimeseriesPoint[] } | null;
}

export type BreakdownSort =
  | 'visitors'
  | 'visits'
  | 'pageviews'
  | 'bounceRate'
  | 'visitDuration'
  | 'events'
  | 'conversionRate';

export interface BreakdownRequest extends StatsRequest {
  dimension: string;
  limit: number;
  page: number;
  search?: string;
  sort?: BreakdownSort;
  order: 'asc' | 'desc';
}

export interface BreakdownRow {
  value: string | null;
  visitors: number;
  visits?: number;
  pageviews?: number;
  bounceRate?: number;
  visitDuration?: number;
  events?: number;
  conversionRate?: number;
}

export interface BreakdownResult {
  period: PeriodView;
  dimension: string;
  /** The columns every row has, in order (for a table or a CSV header). */
  columns: (keyof BreakdownRow)[];
  rows: BreakdownRow[];
  page: number;
  limit: number;
  hasMore: boolean;
}

export interface GoalResult {
  id: string;
  name: string;
  kind: 'event' | 'page';
  eventName: string | null;
  pagePath: string | null;
  /** Visitors who converted in the period. */
  visitors: number;
  /** Matching custom events, or page views of a matching page. */
  conversions: number;
  /** `visitors` over every visitor of the period (other filters applied), percent, one decimal. */
  conversionRate: number;
}

export interface GoalsResult {
  period: PeriodView;
  goals: GoalResult[];
}

export interface RealtimeResult {
  /** Distinct visitors with a page view in the last 5 minutes. */
  visitors: number;
  pages: { value: string; visitors: number }[];
  sources: { value: string | null; visitors: number }[];
}

/** A request the stats cannot answer as asked (a bad filter, period or dimension): a 400. */
export class StatsRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StatsRequestError';
  }
}

const COLUMNS: Record<Dimension['level'], (keyof BreakdownRow)[]> = {
  visit: ['value', 'visitors', 'visits', 'pageviews', 'bounceRate', 'visitDuration'],
  page: ['value', 'visitors', 'visits', 'pageviews'],
  event: ['value', 'visitors', 'events', 'conversionRate'],
};

/** The columns a breakdown may be sorted by, per level (its default first). */
export const SORTS: Record<Dimension['level'], BreakdownSort[]> = {
  visit: ['visitors', 'visits', 'pageviews', 'bounceRate', 'visitDuration'],
  page: ['visitors', 'visits', 'pageviews'],
  event: ['visitors', 'events', 'conversionRate'],
};

const REALTIME_WINDOW_MS = 5 * 60_000;

interface GoalCounts {
  visitors: number;
  conversions: number;
  /** Every visitor of the period: the denominator of the conversion rate. */
  total: number;
}

interface SiteFacts {
  timezone: string;
  /** See `site`; empty unless asked for. */
  firstDate: string;
}

/** How many property keys `eventProperties` answers at most. */
export const MAX_PROPERTY_KEYS = 50;

interface Prepared {
  period: ResolvedPeriod;
  view: PeriodView;
  filters: Filter[];
  goals: GoalDefinition[][];
  range: { from: Date; to: Date };
  comparison: { from: Date; to: Date } | null;
  /** Whether the rollups hold every day of the range and of the comparison. */
  covered: { range: boolean; comparison: boolean };
  /** The rollup spans built in the range and the comparison. */
  spans: ReadonlySet<string>;
}

type Bounds = Readonly<Pick<Prepared, 'range' | 'comparison' | 'covered' | 'spans'>>;

/**
 * The stats of a site, read from the raw tables (`sessions`, `page_views`, `events`). Every
 * number follows the definitions in the README ("Stats: definitions").
 */
@Injectable()
export class StatsService implements OnApplicationShutdown {
  /** Whether to read rollups where they answer (`STATS_ROLLUP_INTERVAL_SECONDS` > 0). */
  private readonly rollupsOn: boolean;
  /** Periods with today and at most this many page views read raw rows (see `BOUNDS_SQL`). */
  private readonly rawMaxPageviews: number;
  /** The day columns, for breakdowns that no rollup answers. */
  private readonly columns: ColumnsReader;
  /** Where the day columns are counted: worker threads (see `CountPool`). */
  private readonly counting: CountPool;
  /**
   * Bounds the connections the stats hold (their own, and the main pool's for goal lookups),
   * whatever the number of dashboards open; a request waits for a slot up to the query timeout.
   */
  private readonly connections: Semaphore;
  /**
   * Bounds the reads of raw rows (seconds each on a big site) to one connection fewer than
   * `connections`: a dashboard's quick reads (the site, rollups) never wait behind them.
   */
  private readonly heavy: Semaphore;
  /** The bounds queries in flight, by their parameters (see `bounds`): shared, never kept. */
  private readonly boundsInFlight = new TtlCache<string, Bounds>({ ttlMs: 0, maxEntries: 1000 });

  constructor(
    private readonly pool: StatsPool,
    private readonly clock: Clock,
    private readonly filtered: FilteredTrafficService,
    private readonly goalsService: GoalsService,
    @Inject(statsConfig.KEY) config: ConfigType<typeof statsConfig>,
  ) {
    this.rollupsOn = config.rollupIntervalMs > 0;
    this.rawMaxPageviews = config.rawMaxPageviews;
    this.counting = new CountPool(config.countThreads);
    this.columns = new ColumnsReader(
      (sql, params) => this.read(sql, params),
      config.columnsCacheBytes,
      this.counting,
    );
    this.connections = new Semaphore(config.maxConcurrentQueries, 1000, config.queryTimeoutMs);
    this.heavy = new Semaphore(
      Math.max(1, config.maxConcurrentQueries - 1),
      1000,
      config.queryTimeoutMs,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.counting.close();
  }

  async summary(siteId: string, request: StatsRequest): Promise<SummaryResult> {
    const prepared = await this.prepare(siteId, request);
    const [current, previous] = await Promise.all([
      this.totals(this.scope(siteId, prepared)),
      prepared.comparison
        ? this.totals(this.scope(siteId, prepared, 'comparison'))
        : Promise.resolve(undefined),
    ]);
    return {
      period: prepared.view,
      comparison: this.comparisonView(prepared),
      metrics: toMetrics(current),
      previous: previous ? toMetrics(previous) : null,
    };
  }

  async timeseries(
    siteId: string,
    request: StatsRequest & { interval?: Interval },
  ): Promise<TimeseriesResult> {
    const prepared = await this.prepare(siteId, request);
    const interval = request.interval ?? prepared.period.defaultInterval;
    try {
      checkInterval(prepared.period, interval);
    } catch (error) {
      throw new StatsRequestError((error as Error).message);
    }
    const [points, previous] = await Promise.all([
      this.series(this.scope(siteId, prepared), interval),
      prepared.comparison
        ? this.series(this.scope(siteId, prepared, 'comparison'), interval)
        : Promise.resolve(undefined),
    ]);
    const comparison = this.comparisonView(prepared);
    return {
      period: prepared.view,
      interval,
      points,
      comparison: comparison && previous ? { ...comparison, points: previous } : null,
    };
  }

  async breakdown(siteId: string, request: BreakdownRequest): Promise<BreakdownResult> {
    const dimension = this.dimension(request.dimension);
    const prepared = await this.prepare(siteId, request);
    const sort = this.sortOf(dimension, request.sort);
    const scope = this.scope(siteId, prepared);
    const offset = (request.page - 1) * request.limit;
    const wanted = { ...request, rows: offset + request.limit + 1 };
    let rows =
      (await this.rollupBreakdown(scope, dimension, sort, wanted)) ??
      (await this.columnsBreakdown(scope, dimension, sort, wanted));
    if (rows) {
      rows = rows.slice(offset, offset + request.limit + 1);
    } else {
      const { sql, params } = this.breakdownSql(scope, dimension, {
        sort,
        order: request.order,
        search: request.search,
        limit: request.limit + 1,
        offset,
      });
      rows = (await this.heavyRead<Record<string, unknown>>(sql, params)).map((row) =>
        toRow(dimension, row),
      );
    }
    return {
      period: prepared.view,
      dimension: dimension.name,
      columns: COLUMNS[dimension.level],
      rows: rows.slice(0, request.limit),
      page: request.page,
      limit: request.limit,
      hasMore: rows.length > request.limit,
    };
  }

  /**
   * Every row of a breakdown, for a CSV export: `onRows` is called with each chunk read from a
   * cursor, so no export is held in memory whole. Resolves when done or when `onRows` returns
   * false (the client went away).
   */
  async streamBreakdown(
    siteId: string,
    request: Omit<BreakdownRequest, 'limit' | 'page'>,
    onHeader: (result: Pick<BreakdownResult, 'columns' | 'dimension' | 'period'>) => void,
    onRows: (rows: BreakdownRow[]) => Promise<boolean>,
  ): Promise<void> {
    const dimension = this.dimension(request.dimension);
    const prepared = await this.prepare(siteId, request);
    const scope = this.scope(siteId, prepared);
    const { sql, params } = this.breakdownSql(scope, dimension, {
      sort: this.sortOf(dimension, request.sort),
      order: request.order,
      search: request.search,
    });
    onHeader({
      columns: COLUMNS[dimension.level],
      dimension: dimension.name,
      period: prepared.view,
    });
    await this.stream(sql, params, (rows) => onRows(rows.map((row) => toRow(dimension, row))));
  }

  /**
   * The page views (`kind` pageviews) or custom events of a period, one row each with the facts of
   * its visit, streamed like `streamBreakdown`. Filters apply as to the stats.
   */
  async streamRaw(
    siteId: string,
    kind: 'pageviews' | 'events',
    request: StatsRequest,
    onHeader: (view: PeriodView, columns: string[]) => void,
    onRows: (rows: Record<string, unknown>[]) => Promise<boolean>,
  ): Promise<void> {
    const prepared = await this.prepare(siteId, request);
    const query = new StatsQueryBuilder(this.scope(siteId, prepared));
    const tz = query.timezone;
    const visit = `s.entry_path AS entry_page, s.source, s.referrer, s.utm_source, s.utm_medium,
      s.utm_campaign, s.utm_term, s.utm_content, s.browser, s.browser_version, s.os, s.os_version,
      s.device_type AS device, s.screen_width, s.country`;
    const time = (column: string) =>
      `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS time,
       to_char(${column} AT TIME ZONE ${tz}, 'YYYY-MM-DD"T"HH24:MI:SS') AS local_time`;
    const sql =
      kind === 'pageviews'
        ? `${query.hits(`${time('p.created_at')}, p.visitor_id, p.session_id, p.hostname, p.path, p.url, p.title, ${visit}`, true)}
           ORDER BY p.created_at, p.id`
        : `${query.events(`${time('e.created_at')}, e.visitor_id, e.session_id, e.name, e.props::text AS props, e.hostname, e.path, ${visit}`, true)}
           ORDER BY e.created_at, e.id`;
    const columns =
      kind === 'pageviews'
        ? ['time', 'local_time', 'visitor_id', 'session_id', 'hostname', 'path', 'url', 'title']
        : ['time', 'local_time', 'visitor_id', 'session_id', 'name', 'props', 'hostname', 'path'];
    onHeader(prepared.view, [
      ...columns,
      'entry_page',
      'source',
      'referrer',
      'utm_source',
      'utm_medium',
      'utm_campaign',
      'utm_term',
      'utm_content',
      'browser',
      'browser_version',
      'os',
      'os_version',
      'device',
      'screen_width',
      'country',
    ]);
    await this.stream(sql, query.params, onRows);
  }

  /**
   * Each goal of the site with its conversions in the period: the visitors who converted, how
   * many conversions (events, or page views of a matching page), and the conversion rate over
   * every visitor of the period under the filters that are not about events or goals.
   */
  async goals(siteId: string, request: StatsRequest): Promise<GoalsResult> {
    const prepared = await this.prepare(siteId, request);
    const goals = await this.slot(() => this.goalsService.list(siteId));
    const scope = this.scope(siteId, prepared);
    const counts =
      goals.length === 0
        ? []
        : ((await this.rollupGoals(scope, goals)) ?? (await this.rawGoals(scope, goals)));
    return {
      period: prepared.view,
      goals: goals.map((goal, index) => {
        const { visitors, conversions, total } = counts[index];
        return {
          id: goal.id,
          name: goal.name,
          kind: goal.kind,
          eventName: goal.eventName,
          pagePath: goal.pagePath,
          visitors,
          conversions,
          conversionRate: total > 0 ? Math.round((1000 * visitors) / total) / 10 : 0,
        };
      }),
    };
  }

  /** Each goal's converting visitors and conversions, and every visitor, from the raw rows. */
  private async rawGoals(scope: QueryScope, goals: GoalView[]): Promise<GoalCounts[]> {
    const query = new StatsQueryBuilder(scope);
    const parts = goals.map((goal, index) => {
      const converted =
        goal.eventName !== null
          ? `${query.events('e.visitor_id')} AND e.name = ${query.param(goal.eventName)}`
          : `${query.hits('p.visitor_id')} AND p.path LIKE ${query.param(toLikePattern(goal.pagePath ?? ''))}`;
      return `SELECT ${index} AS goal, count(DISTINCT visitor_id)::int AS visitors, count(*)::int AS conversions
                FROM (${converted}) c`;
    });
    const total = this.totalVisitorsSql(query, scope);
    const rows = await this.heavyRead<{
      goal: number;
      visitors: number;
      conversions: number;
      total: string;
    }>(`SELECT g.*, (${total}) AS total FROM (${parts.join(' UNION ALL ')}) g`, query.params);
    return goals.map((_goal, index) => {
      const row = rows.find((r) => r.goal === index);
      return {
        visitors: row?.visitors ?? 0,
        conversions: row?.conversions ?? 0,
        total: Number(row?.total ?? 0),
      };
    });
  }

  /**
   * The same from the rollups, without filters: an event goal from the `event` rows of its
   * name, a page goal from the `page` rows its pattern matches (their visitor sketches merged).
   */
  private async rollupGoals(
    scope: QueryScope,
    goals: GoalView[],
  ): Promise<GoalCounts[] | undefined> {
    if (this.rollupFilterOf(scope) !== null) return undefined;
    const query = new StatsQueryBuilder(scope);
    const parts = goals.map((goal, index) => {
      const rows =
        goal.eventName !== null
          ? rollupValues(query, scope, 'event', `value = ${query.param(goal.eventName)}`)
          : rollupValues(
              query,
              scope,
              'page',
              `value LIKE ${query.param(toLikePattern(goal.pagePath ?? ''))}`,
            );
      return `SELECT ${index} AS goal, ${ROLLUP_VISITOR_SUMS} FROM (${rows}) r`;
    });
    parts.push(
      `SELECT -1 AS goal, ${ROLLUP_VISITOR_SUMS} FROM (${rollupSource(query, scope, null)}) r`,
    );
    const rows = await this.read<RollupSums & { goal: number }>(
      parts.join(' UNION ALL '),
      query.params,
    );
    const everyone = rows.find((row) => row.goal === -1);
    const total = everyone ? visitorsOf(everyone) : 0;
    return goals.map((goal, index) => {
      const row = rows.find((r) => r.goal === index);
      return {
        visitors: row ? visitorsOf(row) : 0,
        conversions: row ? Number(goal.eventName !== null ? row.events : row.pageviews) : 0,
        total,
      };
    });
  }

  /**
   * SQL of every visitor of the scope under its filters that are not about custom events or
   * goals (the denominator of conversion rates), its parameters appended to `query`'s.
   */
  private totalVisitorsSql(query: StatsQueryBuilder, scope: QueryScope): string {
    const base = new StatsQueryBuilder({
      ...scope,
      filters: scope.filters.filter(
        (filter) => filter.kind === 'dimension' && filter.dimension.level !== 'event',
      ),
      goals: [],
    });
    const offset = query.params.length;
    const sql = base
      .hits('p.visitor_id')
      .replace(/\$(\d+)/g, (_match, n: string) => `$${Number(n) + offset}`);
    query.params.push(...base.params);
    return `SELECT count(DISTINCT visitor_id) AS total FROM (${sql}) t`;
  }

  /** How many `/track` requests of the period stored nothing, per day and reason. */
  async filteredTraffic(
    siteId: string,
    request: Omit<StatsRequest, 'filters'>,
  ): Promise<FilteredTrafficCounts & { period: PeriodView }> {
    const prepared = await this.prepare(siteId, { ...request, filters: undefined });
    const counts = await this.filtered.countsByDay(
      siteId,
      prepared.range.from,
      prepared.range.to,
      prepared.view.timezone,
    );
    return { period: prepared.view, ...counts };
  }

  /**
   * The property keys of the custom events of a period (of one event name, when given), the most
   * used first: what a dashboard offers to break an event down by (`prop.<key>`).
   */
  async eventProperties(
    siteId: string,
    request: Omit<StatsRequest, 'filters'>,
    event: string | undefined,
  ): Promise<{ period: PeriodView; keys: { key: string; events: number }[] }> {
    const prepared = await this.prepare(siteId, { ...request, filters: undefined });
    const keys = await this.heavyRead<{ key: string; events: number }>(
      `SELECT k AS key, count(*)::int AS events
         FROM events e
        CROSS JOIN LATERAL jsonb_object_keys(
          CASE WHEN jsonb_typeof(e.props) = 'object' THEN e.props ELSE '{}'::jsonb END) k
        WHERE e.site_id = $1 AND e.created_at >= $2 AND e.created_at < $3
          AND ($4::text IS NULL OR e.name = $4)
        GROUP BY k ORDER BY events DESC, k LIMIT ${MAX_PROPERTY_KEYS}`,
      [siteId, prepared.range.from, prepared.range.to, event ?? null],
    );
    return { period: prepared.view, keys };
  }

  async realtime(
    siteId: string,
    filters: string[] | string | undefined,
    limit: number,
    timezone?: string,
  ): Promise<RealtimeResult> {
    const site = timezone ? { timezone } : await this.site(siteId);
    const parsed = this.parse(filters);
    const now = this.clock.now();
    const query = new StatsQueryBuilder({
      siteId,
      from: new Date(now.getTime() - REALTIME_WINDOW_MS),
      to: new Date(now.getTime() + 1),
      timezone: site.timezone,
      filters: parsed,
      goals: await this.goalsOf(siteId, parsed),
    });
    const top = (value: string) =>
      `SELECT value, count(DISTINCT visitor_id)::int AS visitors FROM (${query.hits(`${value} AS value, p.visitor_id`, true)}) h
        GROUP BY value ORDER BY visitors DESC, value NULLS FIRST LIMIT ${query.param(limit)}`;
    const sql = `SELECT
        (SELECT count(DISTINCT visitor_id)::int FROM (${query.hits('p.visitor_id')}) h) AS visitors,
        (SELECT coalesce(json_agg(t), '[]') FROM (${top('p.path')}) t) AS pages,
        (SELECT coalesce(json_agg(t), '[]') FROM (${top('s.source')}) t) AS sources`;
    const [row] = await this.read<RealtimeResult>(sql, query.params);
    return row;
  }

  private dimension(name: string): Dimension {
    const dimension = dimensionNamed(name);
    if (!dimension) {
      throw new StatsRequestError(
        `Unknown dimension "${name}"; one of ${DIMENSION_NAMES.join(', ')}.`,
      );
    }
    return dimension;
  }

  private sortOf(dimension: Dimension, sort: BreakdownSort | undefined): BreakdownSort {
    const allowed = SORTS[dimension.level];
    if (sort === undefined) return allowed[0];
    if (!allowed.includes(sort)) {
      throw new StatsRequestError(
        `A ${dimension.name} breakdown can be sorted by ${allowed.join(', ')} (got ${sort}).`,
      );
    }
    return sort;
  }

  private parse(filters: string[] | string | undefined): Filter[] {
    try {
      return parseFilters(filters);
    } catch (error) {
      if (error instanceof FilterError) throw new StatsRequestError(error.message);
      throw error;
    }
  }

  /**
   * The site's timezone, and with `first` the local date of its first page view, or of its
   * first rollup day (whose raw rows retention may have deleted), for `period=all`.
   */
  private async site(siteId: string, first = false): Promise<SiteFacts> {
    const [row] = await this.read<{ timezone: string; first: Date | null; day: string | null }>(
      `SELECT s.timezone,
              CASE WHEN $2 THEN (SELECT min(created_at) FROM page_views WHERE site_id = s.id) END AS first,
              CASE WHEN $2 THEN (SELECT to_char(min(day), 'YYYY-MM-DD') FROM stats_days WHERE site_id = s.id) END AS day
         FROM sites s WHERE s.id = $1 AND s.deleted_at IS NULL`,
      [siteId, first],
      'trackveil_stats_site',
    );
    if (!row) throw new StatsRequestError('The site does not exist.');
    if (!first) return { timezone: row.timezone, firstDate: '' };
    // Today when the site has neither.
    const raw = localDateTime(row.first ?? this.clock.now(), row.timezone).date;
    return { timezone: row.timezone, firstDate: row.day && row.day < raw ? row.day : raw };
  }

  /** The goal definitions behind each goal filter, matched by name or id. */
  private async goalsOf(siteId: string, filters: Filter[]): Promise<GoalDefinition[][]> {
    const goalFilters = filters.filter((filter): filter is GoalFilter => filter.kind === 'goal');
    if (goalFilters.length === 0) return [];
    const goals = await this.slot(() => this.goalsService.list(siteId));
    const named = (value: string) => (goal: GoalView) => value === goal.name || value === goal.id;
    return goalFilters.map((filter) => {
      const unknown = filter.values.filter((value) => !goals.some(named(value)));
      if (unknown.length > 0) {
        throw new StatsRequestError(
          `No goal of this site is called ${unknown.map((v) => `"${v}"`).join(', ')}.`,
        );
      }
      return goals.filter((goal) => filter.values.some((value) => named(value)(goal)));
    });
  }

  private async prepare(siteId: string, request: StatsRequest): Promise<Prepared> {
    const filters = this.parse(request.filters);
    const site =
      request.timezone && request.period !== 'all'
        ? { timezone: request.timezone, firstDate: '' }
        : await this.site(siteId, request.period === 'all');
    const now = this.clock.now();
    let period: ResolvedPeriod;
    try {
      period = resolvePeriod(request, now, site.timezone, site.firstDate);
    } catch (error) {
      throw new StatsRequestError((error as Error).message);
    }
    const [goals, bounds] = await Promise.all([
      this.goalsOf(siteId, filters),
      period.instants
        ? Promise.resolve({
            range: period.instants,
            comparison: null,
            covered: { range: false, comparison: false },
            spans: new Set<string>(),
          })
        : this.bounds(siteId, site.timezone, period, now),
    ]);
    return {
      period,
      view: {
        name: period.name,
        from: period.range.firstDate,
        to: period.range.lastDate,
        timezone: site.timezone,
      },
      filters,
      goals,
      ...bounds,
    };
  }

  private comparisonView(prepared: Prepared): { from: string; to: string } | null {
    const comparison = prepared.period.comparison;
    return comparison ? { from: comparison.firstDate, to: comparison.lastDate } : null;
  }

  /**
   * The instants of the period's local ranges, and whether the rollups cover them. The requests
   * of a dashboard load (fourteen, six at a time) ask the same: one that asks while the same
   * query is in flight shares its answer (as if it had come a moment earlier). Answers are not
   * kept beyond that: rollups may be thrown away at any time (a timezone change, an operator),
   * and a read must then see it.
   */
  private bounds(
    siteId: string,
    timezone: string,
    period: ResolvedPeriod,
    now: Date,
  ): Promise<Bounds> {
    const { range, comparison } = period;
    const params = [
      range.from,
      range.to,
      comparison?.from ?? null,
      comparison?.to ?? null,
      timezone,
      siteId,
      range.firstDate,
      range.lastDate,
      comparison?.firstDate ?? null,
      comparison?.lastDate ?? null,
      localDateTime(now, timezone).date,
      this.rollupsOn,
      this.rawMaxPageviews,
    ];
    return this.boundsInFlight.getOrLoad(JSON.stringify(params), async () => {
      const [row] = await this.read<{
        from: Date;
        to: Date;
        cfrom: Date | null;
        cto: Date | null;
        covered: boolean | null;
        comparisonCovered: boolean | null;
        spans: string[] | null;
      }>(BOUNDS_SQL, params, 'trackveil_stats_bounds');
      return {
        range: { from: row.from, to: row.to },
        comparison: row.cfrom && row.cto ? { from: row.cfrom, to: row.cto } : null,
        covered: { range: row.covered === true, comparison: row.comparisonCovered === true },
        spans: new Set(row.spans ?? []),
      };
    });
  }

  private scope(
    siteId: string,
    prepared: Prepared,
    which: 'range' | 'comparison' = 'range',
  ): QueryScope {
    const span = which === 'range' ? prepared.range : prepared.comparison!;
    const local = which === 'range' ? prepared.period.range : prepared.period.comparison;
    return {
      siteId,
      from: span.from,
      to: span.to,
      timezone: prepared.view.timezone,
      filters: prepared.filters,
      goals: prepared.goals,
      // Realtime is a span of instants, not of whole local days.
      days:
        prepared.period.instants || !local
          ? undefined
          : { first: local.firstDate, last: local.lastDate },
      covered: prepared.covered[which],
      spans: prepared.spans,
    };
  }

  private async totals(scope: QueryScope): Promise<Totals> {
    const filter = this.rollupFilterOf(scope);
    if (filter !== undefined) return this.rollupTotals(scope, filter);
    const fromColumns = this.columnsAnswer(scope) ? await this.columns.totals(scope) : undefined;
    if (fromColumns) return fromColumns;
    const query = new StatsQueryBuilder(scope);
    const sql = `WITH hits AS (${query.hits('p.visitor_id')}),
        visits AS (${query.visits('s.page_view_count, s.started_at, s.last_activity_at')})
      SELECT (SELECT count(DISTINCT visitor_id) FROM hits)::int AS visitors,
             (SELECT count(*) FROM hits)::int AS pageviews,
             v.visits, v.bounces, v.visit_pageviews AS "visitPageviews", v.duration AS "durationSeconds"
        FROM (${VISIT_AGGREGATES} FROM visits) v`;
    const [row] = await this.heavyRead<Totals>(sql, query.params);
    return numbers(row);
  }

  /** The totals of a scope from its rollup rows (see `rollupSource`). */
  private async rollupTotals(scope: QueryScope, filter: DimensionFilter | null): Promise<Totals> {
    const query = new StatsQueryBuilder(scope);
    const [row] = await this.read<RollupSums>(
      `SELECT ${ROLLUP_VISITOR_SUMS} FROM (${rollupSource(query, scope, filter)}) r`,
      query.params,
    );
    return fromRollup(row);
  }

  private async series(scope: QueryScope, interval: Interval): Promise<TimeseriesPoint[]> {
    // Hours come from rollups without a filter only; minutes (realtime) always from raw rows.
    const filter = interval === 'minute' ? undefined : this.rollupFilterOf(scope);
    if (filter !== undefined && !(interval === 'hour' && filter !== null)) {
      const query = new StatsQueryBuilder(scope);
      const rows = await this.read<RollupSums & { date: string }>(
        rollupSeriesSql(query, scope, filter, interval),
        query.params,
      );
      return rows.map((row) => ({ date: row.date, ...toMetrics(fromRollup(row)) }));
    }
    if (interval !== 'hour' && interval !== 'minute' && this.columnsAnswer(scope)) {
      const buckets = await this.columns.series(scope, interval);
      if (buckets) {
        return localBuckets(scope.days!, interval).map((date) => ({
          date,
          ...toMetrics(buckets.get(date) ?? NO_TOTALS),
        }));
      }
    }
    const query = new StatsQueryBuilder(scope);
    const format =
      interval === 'hour' || interval === 'minute' ? 'YYYY-MM-DD"T"HH24:MI' : 'YYYY-MM-DD';
    const sql = `WITH buckets AS (${query.buckets(interval)}),
        hits AS (SELECT bucket, count(DISTINCT visitor_id)::int AS visitors, count(*)::int AS pageviews
                   FROM (${query.hits(`${query.bucket('p.created_at', interval)} AS bucket, p.visitor_id`)}) h
                  GROUP BY bucket),
        visits AS (${VISIT_AGGREGATES}, bucket
                     FROM (${query.visits(`${query.bucket('s.started_at', interval)} AS bucket, s.page_view_count, s.started_at, s.last_activity_at`)}) v
                    GROUP BY bucket)
      SELECT to_char(b.bucket, '${format}') AS date,
             coalesce(h.visitors, 0) AS visitors, coalesce(h.pageviews, 0) AS pageviews,
             coalesce(v.visits, 0) AS visits, coalesce(v.bounces, 0) AS bounces,
             coalesce(v.visit_pageviews, 0) AS "visitPageviews", coalesce(v.duration, 0) AS "durationSeconds"
        FROM buckets b LEFT JOIN hits h USING (bucket) LEFT JOIN visits v USING (bucket)
       ORDER BY b.bucket`;
    const rows = await this.heavyRead<Totals & { date: string }>(sql, query.params);
    return rows.map((row) => ({ date: row.date, ...toMetrics(numbers(row)) }));
  }

  private breakdownSql(
    scope: QueryScope,
    dimension: Dimension,
    options: {
      sort: BreakdownSort;
      order: 'asc' | 'desc';
      search?: string;
      limit?: number;
      offset?: number;
    },
  ): { sql: string; params: unknown[] } {
    const query = new StatsQueryBuilder(scope);
    const value = query.valueSql(dimension);
    const search =
      options.search === undefined || options.search === ''
        ? ''
        : `WHERE value ILIKE ${query.param(`%${escapeLike(options.search)}%`)}`;
    let sql: string;
    if (dimension.level === 'visit') {
      sql = `SELECT value, sum(visitors)::int AS visitors, sum(visits)::int AS visits,
            sum(pageviews)::int AS pageviews,
            CASE WHEN sum(visits) > 0 THEN round(100 * sum(bounces) / sum(visits))::int ELSE 0 END AS "bounceRate",
            CASE WHEN sum(visits) > 0 THEN round(sum(duration) / sum(visits))::int ELSE 0 END AS "visitDuration"
          FROM (
            SELECT value, count(DISTINCT visitor_id) AS visitors, count(*) AS pageviews,
                   0 AS visits, 0 AS bounces, 0 AS duration
              FROM (${query.hits(`${value} AS value, p.visitor_id`, true)}) h ${search} GROUP BY value
            UNION ALL
            SELECT value, 0, 0, count(*), count(*) FILTER (WHERE page_view_count <= 1),
                   sum(extract(epoch FROM last_activity_at - started_at))
              FROM (${query.visits(`${value} AS value, s.page_view_count, s.started_at, s.last_activity_at`)}) v ${search}
             GROUP BY value
          ) u GROUP BY value`;
    } else if (dimension.level === 'page') {
      // A visit counts once per local day it viewed the value, as the daily rollups count it.
      sql = `SELECT value, count(DISTINCT visitor_id)::int AS visitors,
            count(DISTINCT (session_id, day))::int AS visits, count(*)::int AS pageviews
          FROM (${query.hits(`${value} AS value, p.visitor_id, p.session_id, (p.created_at AT TIME ZONE ${query.timezone})::date AS day`)}) h ${search}
         GROUP BY value`;
    } else {
      // The denominator of a conversion rate: every visitor of the period under the filters
      // that are not about custom events or goals.
      const total = this.totalVisitorsSql(query, scope);
      const notNull = propKey(dimension) === undefined ? '' : `AND ${value} IS NOT NULL`;
      sql = `SELECT value, visitors, events,
            CASE WHEN total > 0 THEN round(1000 * visitors::numeric / total) / 10 ELSE 0 END AS "conversionRate"
          FROM (SELECT value, count(DISTINCT visitor_id)::int AS visitors, count(*)::int AS events
                  FROM (${query.events(`${value} AS value, e.visitor_id`)} ${notNull}) ev ${search}
                 GROUP BY value) r,
               (${total}) d`;
    }
    const direction = options.order === 'asc' ? 'ASC' : 'DESC';
    sql += ` ORDER BY "${options.sort}" ${direction}, value ASC NULLS FIRST`;
    if (options.limit !== undefined) sql += ` LIMIT ${query.param(options.limit)}`;
    if (options.offset) sql += ` OFFSET ${query.param(options.offset)}`;
    return { sql, params: query.params };
  }

  /**
   * The first `rows` rows of a breakdown from the rollups, sorted, or undefined when they cannot
   * answer (a filter other than one on the dimension itself or its parent, a property
   * dimension, a day without rollups).
   *
   * Every value's counts are summed in SQL; only the values that can make the rows asked for
   * get their visitor sketches merged. A sort by counts (visits, page views, bounce rate…) is
   * exact in SQL already. A sort by visitors ranks the values by a bound of their visitors (the
   * sum of each row's, which no union exceeds, or for an ascending sort the most of one row,
   * which no union falls below) and merges them in that order, in growing batches, until the
   * last row asked for beats the bound of every value not merged yet: the same rows as merging
   * every value. Ties are broken by value, as the raw query breaks them.
   */
  private async rollupBreakdown(
    scope: QueryScope,
    dimension: Dimension,
    sort: BreakdownSort,
    request: Pick<BreakdownRequest, 'order' | 'search'> & { rows: number },
  ): Promise<BreakdownRow[] | undefined> {
    if (propKey(dimension) !== undefined) return undefined;
    // No filter, one on the dimension this one drills down from (referrer within a source), or
    // one on this dimension itself (its rows whose value passes).
    const filter = this.rollupFilterOf(scope);
    if (filter === undefined) return undefined;
    const on =
      filter === null
        ? undefined
        : filter.dimension.name === dimension.name
          ? 'value'
          : filter.dimension.name === dimension.parent
            ? 'parent'
            : null;
    if (on === null) return undefined;
    /** The dimension's rollup rows of the scope that pass the search and the filter. */
    const rowsOf = (query: StatsQueryBuilder): string => {
      const conditions: string[] = [];
      if (request.search) {
        conditions.push(`value ILIKE ${query.param(`%${escapeLike(request.search)}%`)}`);
      }
      if (filter && on) conditions.push(query.conditionOn(filter, on));
      return rollupValues(query, scope, dimension.name, conditions.join(' AND ') || undefined);
    };
    const byVisitors = sort === 'visitors' || sort === 'conversionRate';
    const ascending = request.order === 'asc';
    const query = new StatsQueryBuilder(scope);
    const rank = byVisitors ? (ascending ? 'max(visitors)' : 'sum(visitors)') : RANK_SQL[sort];
    const order = `"rankValue" ${ascending ? 'ASC' : 'DESC'}, value ASC NULLS FIRST`;
    // With one row per value (a day, or a span that covers the period: the last 30 days; not so
    // for a dimension whose rows are per value and parent) every value's visitors are exact and
    // so is the ranking: only the rows asked for are candidates.
    const candidates =
      readsOnePiece(scope) && !dimension.parent
        ? request.rows + BREAKDOWN_BATCH_SPARE + 1
        : Math.min(request.rows * BREAKDOWN_CANDIDATE_FACTOR + BREAKDOWN_CANDIDATES, 2 ** 31 - 1);
    // The order of values (which breaks ties) is only needed among the candidates: sorting every
    // value by text would cost more than the ranking itself on a breakdown of pages.
    const ranked = await this.read<RollupCounts & { value: string | null; valueRank: number }>(
      `SELECT c.*, row_number() OVER (ORDER BY value ASC NULLS FIRST)::int AS "valueRank"
         FROM (SELECT value, ${ROLLUP_COUNTS}, ${rank} AS "rankValue"
                 FROM (${rowsOf(query)}) v GROUP BY value
                ORDER BY ${order}
                LIMIT ${query.param(candidates)}) c
        ORDER BY ${order}`,
      query.params,
    );
    const total = dimension.level === 'event' ? (await this.rollupTotals(scope, null)).visitors : 0;
    const direction = ascending ? 1 : -1;
    const compare = (a: RankedRow, b: RankedRow): number =>
      direction * ((a.row[sort] ?? 0) - (b.row[sort] ?? 0)) || a.valueRank - b.valueRank;
    const bound = (row: RollupCounts): number =>
      Number(ascending ? row.visitorMax : row.visitorSum);
    const done: RankedRow[] = [];
    let batch = request.rows + (byVisitors ? BREAKDOWN_BATCH_SPARE : 0);
    while (done.length < ranked.length) {
      const next = ranked.slice(done.length, done.length + batch);
      const sketches = await this.sketchesOf(scope, rowsOf, next);
      for (const row of next) {
        const totals = fromRollup({ ...row, sketches: sketches.get(row.value) ?? null });
        done.push({ row: breakdownRow(dimension, row, totals, total), valueRank: row.valueRank });
      }
      done.sort(compare);
      if (!byVisitors || done.length === ranked.length) break;
      // Every value not merged yet has at most (at least, ascending) its bound in visitors.
      if (done.length >= request.rows) {
        const last = done[request.rows - 1].row.visitors;
        const unmerged = bound(ranked[done.length]);
        if (ascending ? last < unmerged : last > unmerged) break;
      }
      batch = done.length;
    }
    return done.map((ranked) => ranked.row);
  }

  /**
   * The first `rows` rows of a breakdown from the day columns (see `ColumnsReader`), sorted as
   * the raw query sorts them, or undefined when they cannot answer: an event or goal filter, a
   * breakdown by a custom event's property, a day without columns.
   */
  private async columnsBreakdown(
    scope: QueryScope,
    dimension: Dimension,
    sort: BreakdownSort,
    request: Pick<BreakdownRequest, 'order' | 'search'> & { rows: number },
  ): Promise<BreakdownRow[] | undefined> {
    if (!this.columnsAnswer(scope, dimension)) return undefined;
    const counted = await this.columns.breakdown(scope, dimension, request.search);
    if (!counted) return undefined;
    // The denominator of a conversion rate: every visitor under the (non-event) filters.
    const total = counted.visitors;
    const rows = counted.values.map((totals) => {
      const metrics = toMetrics(totals);
      return toRow(dimension, {
        value: totals.value,
        visitors: totals.visitors,
        visits: totals.visits,
        pageviews: totals.pageviews,
        bounceRate: metrics.bounceRate,
        visitDuration: metrics.visitDuration,
        // Custom events are counted as page views by the columns.
        events: totals.pageviews,
        conversionRate: total > 0 ? Math.round((1000 * totals.visitors) / total) / 10 : 0,
      });
    });
    const direction = request.order === 'asc' ? 1 : -1;
    const byMetric = (a: BreakdownRow, b: BreakdownRow): number =>
      direction * ((a[sort] ?? 0) - (b[sort] ?? 0));
    rows.sort(byMetric);
    // Ties are broken by value as PostgreSQL orders text: only among the rows that can be asked
    // for (those up to the last one's metric).
    const last = rows[Math.min(request.rows, rows.length) - 1];
    const candidates = last ? rows.filter((row) => byMetric(row, last) <= 0) : [];
    // Without a tie among them, the metric alone orders them: no round trip.
    if (candidates.every((row, i) => i === 0 || byMetric(candidates[i - 1], row) !== 0)) {
      return candidates;
    }
    const [{ order }] = await this.read<{ order: number[] }>(
      `SELECT ARRAY(SELECT ord::int FROM unnest($1::text[]) WITH ORDINALITY AS u(value, ord)
                     ORDER BY value ASC NULLS FIRST) AS order`,
      [candidates.map((row) => row.value)],
    );
    const rank = new Map(order.map((ordinal, position) => [candidates[ordinal - 1], position]));
    candidates.sort((a, b) => byMetric(a, b) || rank.get(a)! - rank.get(b)!);
    return candidates.slice(0, request.rows);
  }

  /** The visitor sketches of some values of a breakdown (see `ROLLUP_SKETCHES`), by value. */
  private async sketchesOf(
    scope: QueryScope,
    rowsOf: (query: StatsQueryBuilder) => string,
    values: (RollupCounts & { value: string | null })[],
  ): Promise<Map<string | null, string | null>> {
    const merged = values.filter((row) => row.sketchCount > 1);
    if (merged.length === 0) return new Map();
    const query = new StatsQueryBuilder(scope);
    const named = merged.flatMap((row) => (row.value === null ? [] : [row.value]));
    const rows = await this.read<{ value: string | null; sketches: string | null }>(
      `SELECT value, ${ROLLUP_SKETCHES} FROM (${rowsOf(query)}) v
        WHERE value = ANY(${query.param(named)}::text[])
           OR (value IS NULL AND ${query.param(named.length < merged.length)})
        GROUP BY value`,
      query.params,
    );
    return new Map(rows.map((row) => [row.value, row.sketches]));
  }

  /**
   * Whether the day columns may answer `scope` (rollups on, every day of it rolled up, filters on
   * visit and page dimensions only), for a breakdown by `dimension` when given.
   */
  private columnsAnswer(scope: QueryScope, dimension?: Dimension): boolean {
    return (
      this.rollupsOn &&
      scope.covered === true &&
      scope.days !== undefined &&
      columnsAnswer(scope.filters, dimension)
    );
  }

  /**
   * The filter the rollups answer `scope` with (null: none), or undefined when they cannot: rollups
   * are off, the filters need raw rows, or a day of the span has no rollup yet.
   */
  private rollupFilterOf(scope: QueryScope): DimensionFilter | null | undefined {
    if (!this.rollupsOn || !scope.covered) return undefined;
    return rollupFilter(scope);
  }

  /**
   * One read-only query on a stats connection, bounded by STATS_QUERY_TIMEOUT_MS; `name` makes
   * it a prepared statement (see `StatsPool.query`), for SQL of fixed text only.
   */
  private async read<T>(sql: string, params: unknown[], name?: string): Promise<T[]> {
    return this.slot(() => this.pool.query<T>(sql, params, name));
  }

  /** A read of raw rows, which can take seconds: it waits for a slot of `heavy` too. */
  private async heavyRead<T>(sql: string, params: unknown[]): Promise<T[]> {
    return this.heavySlot(() => this.read<T>(sql, params));
  }

  /** Reads `sql` through a cursor in chunks, handing each to `onRows` until it returns false. */
  private async stream(
    sql: string,
    params: unknown[],
    onRows: (rows: Record<string, unknown>[]) => Promise<boolean>,
  ): Promise<void> {
    await this.heavySlot(() =>
      this.slot(() =>
        this.pool.transaction(async (client) => {
          await client.query(`DECLARE export NO SCROLL CURSOR FOR ${sql}`, params);
          for (;;) {
            const { rows } = await client.query<Record<string, unknown>>('FETCH 2000 FROM export');
            if (rows.length === 0) break;
            if (!(await onRows(rows))) break;
          }
        }),
      ),
    );
  }

  /** Runs `work`, which holds one database connection, in one of the stats' connection slots. */
  private slot<T>(work: () => Promise<T>): Promise<T> {
    return this.within(this.connections, work);
  }

  /** Runs `work`, a read of raw rows, in one of the slots that leave a connection for others. */
  private heavySlot<T>(work: () => Promise<T>): Promise<T> {
    return this.within(this.heavy, work);
  }

  private async within<T>(semaphore: Semaphore, work: () => Promise<T>): Promise<T> {
    try {
      return await semaphore.run(work);
    } catch (error) {
      if (error instanceof SemaphoreFullError || error instanceof SemaphoreTimeoutError) {
        throw new ServiceUnavailableException(
          'The stats are busy answering other requests; retry in a few seconds.',
        );
      }
      throw error;
    }
  }
}

/**
 * How many values of a breakdown from rollups are ranked in SQL for the rows asked for: beyond
 * them, the rows asked for are taken as final (far more than merging ever needs).
 */
const BREAKDOWN_CANDIDATE_FACTOR = 10;
const BREAKDOWN_CANDIDATES = 1000;
/** Values merged beyond the rows asked for in the first batch of a sort by visitors. */
const BREAKDOWN_BATCH_SPARE = 5;

interface RankedRow {
  row: BreakdownRow;
  /** The value's place in value order (ties of the sort keep it). */
  valueRank: number;
}

/** How rollup rows rank for each sort, in SQL, before their visitors are merged. */
const RANK_SQL: Record<BreakdownSort, string> = {
  visitors: 'sum(visitors)',
  conversionRate: 'sum(visitors)',
  visits: 'sum(visits)',
  pageviews: 'sum(pageviews)',
  events: 'sum(events)',
  // As `toMetrics` rounds them: half away from zero.
  bounceRate: 'CASE WHEN sum(visits) > 0 THEN round(100.0 * sum(bounces) / sum(visits)) ELSE 0 END',
  visitDuration:
    'CASE WHEN sum(visits) > 0 THEN round((sum(duration) / sum(visits))::numeric) ELSE 0 END',
};

const VISIT_AGGREGATES = `SELECT count(*)::int AS visits,
        count(*) FILTER (WHERE page_view_count <= 1)::int AS bounces,
        coalesce(sum(page_view_count), 0)::int AS visit_pageviews,
        coalesce(sum(extract(epoch FROM last_activity_at - started_at)), 0)::float8 AS duration`;

/** `text` with LIKE's special characters escaped. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const NO_TOTALS: Totals = {
  visitors: 0,
  visits: 0,
  pageviews: 0,
  bounces: 0,
  visitPageviews: 0,
  durationSeconds: 0,
};

/** The first days of the buckets of `interval` from `first` to `last`, as the raw query has them. */
function localBuckets(
  days: { first: string; last: string },
  interval: 'day' | 'week' | 'month',
): string[] {
  const buckets: string[] = [];
  for (let day = days.first; day <= days.last; day = shiftDate(day, 1)) {
    const bucket = bucketOf(day, interval);
    if (buckets.at(-1) !== bucket) buckets.push(bucket);
  }
  return buckets;
}

/** Totals from rollup sums; the visitors exact or estimated (see `visitorsOf`). */
function fromRollup(row: RollupSums): Totals {
  return numbers({ ...row, visitors: visitorsOf(row) });
}

function numbers(row: Totals): Totals {
  return {
    visitors: Number(row.visitors),
    visits: Number(row.visits),
    pageviews: Number(row.pageviews),
    bounces: Number(row.bounces),
    visitPageviews: Number(row.visitPageviews),
    durationSeconds: Number(row.durationSeconds),
  };
}

/** The metrics of totals: rates rounded as the API shows them. */
export function toMetrics(totals: Totals): Metrics {
  const { visits } = totals;
  return {
    visitors: totals.visitors,
    visits,
    pageviews: totals.pageviews,
    viewsPerVisit: visits > 0 ? Math.round((100 * totals.visitPageviews) / visits) / 100 : 0,
    bounceRate: visits > 0 ? Math.round((100 * totals.bounces) / visits) : 0,
    visitDuration: visits > 0 ? Math.round(totals.durationSeconds / visits) : 0,
  };
}

/** A breakdown row from rollup counts, `total` the visitors of a conversion rate. */
function breakdownRow(
  dimension: Dimension,
  row: RollupCounts & { value: string | null },
  totals: Totals,
  total: number,
): BreakdownRow {
  const metrics = toMetrics(totals);
  return toRow(dimension, {
    value: row.value,
    visitors: totals.visitors,
    visits: totals.visits,
    pageviews: totals.pageviews,
    bounceRate: metrics.bounceRate,
    visitDuration: metrics.visitDuration,
    events: Number(row.events),
    conversionRate: total > 0 ? Math.round((1000 * totals.visitors) / total) / 10 : 0,
  });
}

function toRow(dimension: Dimension, row: Record<string, unknown>): BreakdownRow {
  const out: BreakdownRow = {
    // Every dimension's value is text in SQL.
    value: typeof row.value === 'string' ? row.value : null,
    visitors: 0,
  };
  for (const column of COLUMNS[dimension.level]) {
    if (column !== 'value') out[column] = Number(row[column]);
  }
  return out;
}
