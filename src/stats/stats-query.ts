import { toLikePattern } from '../goals/goal-match.js';
import type { Dimension, DimensionLevel } from './dimensions.js';
import { propKey } from './dimensions.js';
import { type DimensionFilter, type Filter, likePattern } from './filters.js';
import type { Interval } from './period.js';

/** A goal as a filter needs it: the event name, or the page path pattern (`*` wildcards). */
export interface GoalDefinition {
  eventName: string | null;
  pagePath: string | null;
}

/** What one query covers: a site, a span of instants, the site's timezone, the filters. */
export interface QueryScope {
  siteId: string;
  /** Instants, as the database resolved the local range: `[from, to)`. */
  from: Date;
  to: Date;
  timezone: string;
  filters: Filter[];
  /** The definitions behind each goal filter, in the order of `filters`' goal filters. */
  goals: GoalDefinition[][];
  /** The local dates `[from, to)` spans, first and last; absent for a span of instants (realtime). */
  days?: { first: string; last: string };
  /** Whether the rollups hold every day of `days` that can have data. */
  covered?: boolean;
  /** The rollup spans built in `days` (see `rollup-spans.ts`), as `spanKey` gives them. */
  spans?: ReadonlySet<string>;
}

/**
 * Builds the SQL of the stats over the raw tables, with every value bound as a parameter. The
 * relations it defines:
 * - hits: the page views in the span that pass the page filters, of visits that pass the others;
 * - visits: the sessions that started in the span and pass every filter (a page filter: the
 *   visit has such a page view; an event or goal filter: the visit has such an event or page view);
 * - events: the custom events in the span that pass the event filters, on pages that pass the
 *   page filters, of visits that pass the visit and goal filters.
 */
export class StatsQueryBuilder {
  readonly params: unknown[] = [];
  /** The parameters of the scope, each bound on first use (an unused one has no type). */
  private readonly bound = new Map<'site' | 'from' | 'to' | 'timezone', string>();

  constructor(private readonly scope: QueryScope) {}

  private bind(name: 'site' | 'from' | 'to' | 'timezone', value: unknown): string {
    let param = this.bound.get(name);
    if (param === undefined) {
      param = this.param(value);
      this.bound.set(name, param);
    }
    return param;
  }

  /** The site's id as a parameter. */
  get site(): string {
    return this.bind('site', this.scope.siteId);
  }

  private get from(): string {
    return this.bind('from', this.scope.from);
  }

  private get to(): string {
    return this.bind('to', this.scope.to);
  }

  /** The site's timezone as a parameter. */
  get timezone(): string {
    return this.bind('timezone', this.scope.timezone);
  }

  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  private filtersAt(level: DimensionLevel): DimensionFilter[] {
    return this.scope.filters.filter(
      (filter): filter is DimensionFilter =>
        filter.kind === 'dimension' && filter.dimension.level === level,
    );
  }

  /** The SQL of a dimension's value, its columns read from `alias`. */
  valueSql(dimension: Dimension, alias?: string): string {
    let sql = dimension.sql;
    const key = propKey(dimension);
    if (key !== undefined) sql = sql.replace('%KEY%', this.param(key));
    if (alias) sql = sql.replace(/\b[pse]\./g, `${alias}.`);
    return sql;
  }

  /** One filter's condition, with SQL NULL (`(none)`) handled as a value of its own. */
  private condition(filter: DimensionFilter, alias?: string): string {
    return this.conditionOn(filter, this.valueSql(filter.dimension, alias));
  }

  /** One filter's condition on `value`, an SQL expression of the filter dimension's value. */
  conditionOn(filter: DimensionFilter, value: string): string {
    const given = filter.values.filter((v): v is string => v !== null);
    const none = given.length < filter.values.length;
    let match: string | undefined;
    if (filter.operator === 'contains' || filter.operator === 'not_contains') {
      const patterns = given.map((v) => `%${likePattern(v, false)}%`);
      match = `${value} ILIKE ANY(${this.param(patterns)}::text[])`;
    } else if (given.length > 0) {
      match =
        filter.dimension.wildcards && given.some((v) => v.includes('*'))
          ? `${value} LIKE ANY(${this.param(given.map((v) => likePattern(v, true)))}::text[])`
          : `${value} = ANY(${this.param(given)}::text[])`;
    }
    const positive = filter.operator === 'is' || filter.operator === 'contains';
    if (positive) {
      const parts = [match, none ? `${value} IS NULL` : undefined].filter(Boolean);
      return `(${parts.join(' OR ')})`;
    }
    if (!match) return `${value} IS NOT NULL`;
    return none
      ? `(${value} IS NOT NULL AND NOT (${match}))`
      : `(${value} IS NULL OR NOT (${match}))`;
  }

  /** The page filters on a page view (or a custom event, which has a page too) under `alias`. */
  pageConditions(alias: string): string[] {
    return this.filtersAt('page').map((filter) => this.condition(filter, alias));
  }

  /** The event filters on a custom event under `alias`. */
  eventConditions(alias: string): string[] {
    return this.filtersAt('event').map((filter) => this.condition(filter, alias));
  }

  /**
   * The conditions on a visit `s`: its own facts, and (unless `withPages` is false, where the
   * page views themselves are filtered) that it has a page view passing the page filters; that
   * it has an event passing the event filters; that it converted on each goal filter.
   */
  visitConditions(withPages = true): string[] {
    const conditions = this.filtersAt('visit').map((filter) => this.condition(filter, 's'));
    const pages = withPages ? this.pageConditions('p2') : [];
    if (pages.length > 0) {
      conditions.push(
        `EXISTS (SELECT 1 FROM page_views p2 WHERE p2.session_id = s.id AND ${pages.join(' AND ')})`,
      );
    }
    const events = this.eventConditions('e2');
    if (events.length > 0) {
      conditions.push(
        `EXISTS (SELECT 1 FROM events e2 WHERE e2.session_id = s.id AND ${events.join(' AND ')})`,
      );
    }
    for (const goals of this.scope.goals) conditions.push(this.convertedOn(goals));
    return conditions;
  }

  /** The visit `s` converted on any of `goals` (no goal: nothing matches). */
  convertedOn(goals: GoalDefinition[]): string {
    const names = goals.flatMap((goal) => (goal.eventName === null ? [] : [goal.eventName]));
    const paths = goals.flatMap((goal) =>
      goal.pagePath === null ? [] : [toLikePattern(goal.pagePath)],
    );
    const parts: string[] = [];
    if (names.length > 0) {
      parts.push(
        `EXISTS (SELECT 1 FROM events g WHERE g.session_id = s.id AND g.name = ANY(${this.param(names)}::text[]))`,
      );
    }
    if (paths.length > 0) {
      parts.push(
        `EXISTS (SELECT 1 FROM page_views g WHERE g.session_id = s.id AND g.path LIKE ANY(${this.param(paths)}::text[]))`,
      );
    }
    return parts.length > 0 ? `(${parts.join(' OR ')})` : 'false';
  }

  /**
   * Page views in the span (`p`), joined to their visit (`s`) when a visit-level condition or
   * `withVisit` needs it. Selects `columns`.
   */
  hits(columns: string, withVisit = false): string {
    const conditions = [
      `p.site_id = ${this.site}`,
      `p.created_at >= ${this.from}`,
      `p.created_at < ${this.to}`,
      ...this.pageConditions('p'),
    ];
    const visit = this.visitConditions(false);
    const join = withVisit || visit.length > 0;
    return `SELECT ${columns} FROM page_views p${join ? ' JOIN sessions s ON s.id = p.session_id' : ''}
      WHERE ${[...conditions, ...visit].join(' AND ')}`;
  }

  /** Visits that started in the span and pass every filter (`s`). Selects `columns`. */
  visits(columns: string): string {
    return `SELECT ${columns} FROM sessions s
      WHERE ${[
        `s.site_id = ${this.site}`,
        `s.started_at >= ${this.from}`,
        `s.started_at < ${this.to}`,
        ...this.visitConditions(true),
      ].join(' AND ')}`;
  }

  /** Custom events in the span (`e`) that pass the filters, joined to their visit when needed. */
  events(columns: string, withVisit = false): string {
    const visit = this.visitConditions(false);
    const join = withVisit || visit.length > 0;
    return `SELECT ${columns} FROM events e${join ? ' JOIN sessions s ON s.id = e.session_id' : ''}
      WHERE ${[
        `e.site_id = ${this.site}`,
        `e.created_at >= ${this.from}`,
        `e.created_at < ${this.to}`,
        ...this.pageConditions('e'),
        ...this.eventConditions('e'),
        ...visit,
      ].join(' AND ')}`;
  }

  /** The local bucket of `column` (an instant) for `interval`, as a timestamp without zone. */
  bucket(column: string, interval: Interval): string {
    return `date_trunc('${interval}', ${column} AT TIME ZONE ${this.timezone})`;
  }

  /** Every bucket of `[from, to)` in local time. */
  buckets(interval: Interval): string {
    return `SELECT generate_series(
        date_trunc('${interval}', ${this.from}::timestamptz AT TIME ZONE ${this.timezone}),
        (${this.to}::timestamptz AT TIME ZONE ${this.timezone}) - interval '1 microsecond',
        interval '1 ${interval}') AS bucket`;
  }
}
