/**
 * The stats computed again in plain TypeScript from the raw rows, as the README defines them,
 * to check the API's SQL against: written independently of `src/stats` (its own timezone
 * handling, filter matching and rounding).
 */

export interface SessionRow {
  id: string;
  visitor_id: string;
  started_at: Date;
  last_activity_at: Date;
  page_view_count: number;
  entry_path: string;
  exit_path: string;
  source: string | null;
  referrer: string | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  utm_term: string | null;
  utm_content: string | null;
  browser: string | null;
  browser_version: string | null;
  os: string | null;
  os_version: string | null;
  device_type: string | null;
  screen_width: number | null;
  country: string | null;
}

export interface PageViewRow {
  created_at: Date;
  visitor_id: string;
  session_id: string;
  path: string;
  hostname: string;
}

export interface EventRow {
  created_at: Date;
  visitor_id: string;
  session_id: string;
  name: string;
  props: Record<string, string | number | boolean>;
  path: string;
  hostname: string;
}

export interface Rows {
  sessions: SessionRow[];
  pageViews: PageViewRow[];
  events: EventRow[];
}

export interface ModelFilter {
  dimension: string;
  operator: 'is' | 'is_not' | 'contains' | 'not_contains';
  values: (string | null)[];
}

export interface ModelGoal {
  name: string;
  eventName: string | null;
  pagePath: string | null;
}

/** `YYYY-MM-DD` and `HH` of an instant in a timezone. */
export function local(
  instant: Date,
  timezone: string,
): { date: string; hour: string; minute: string } {
  const text = instant.toLocaleString('sv-SE', { timeZone: timezone, hour12: false });
  // sv-SE writes "2026-11-01 01:30:00".
  const [date, time] = text.split(' ');
  return { date, hour: time.slice(0, 2), minute: time.slice(3, 5) };
}

function screenClass(width: number | null): string | null {
  if (width === null) return null;
  return width < 576 ? 'mobile' : width < 992 ? 'tablet' : width < 1440 ? 'laptop' : 'desktop';
}

const VISIT_VALUE: Record<string, (s: SessionRow) => string | null> = {
  entry_page: (s) => s.entry_path,
  exit_page: (s) => s.exit_path,
  source: (s) => s.source,
  referrer: (s) => s.referrer,
  utm_source: (s) => s.utm_source,
  utm_medium: (s) => s.utm_medium,
  utm_campaign: (s) => s.utm_campaign,
  utm_term: (s) => s.utm_term,
  utm_content: (s) => s.utm_content,
  browser: (s) => s.browser,
  browser_version: (s) => s.browser_version,
  os: (s) => s.os,
  os_version: (s) => s.os_version,
  device: (s) => s.device_type,
  screen: (s) => screenClass(s.screen_width),
  country: (s) => s.country,
};

function levelOf(dimension: string): 'visit' | 'page' | 'event' {
  if (dimension === 'page' || dimension === 'hostname') return 'page';
  if (dimension === 'event' || dimension.startsWith('prop.')) return 'event';
  return 'visit';
}

function pageValue(dimension: string, row: { path: string; hostname: string }): string {
  return dimension === 'page' ? row.path : row.hostname;
}

function eventValue(dimension: string, event: EventRow): string | null {
  if (dimension === 'event') return event.name;
  const value = event.props[dimension.slice('prop.'.length)];
  return value === undefined ? null : String(value);
}

function wildcard(pattern: string, value: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    's',
  );
  return regex.test(value);
}

function matches(filter: ModelFilter, value: string | null): boolean {
  const wild = ['page', 'entry_page', 'exit_page'].includes(filter.dimension);
  const hit = filter.values.some((wanted) => {
    if (wanted === null) return value === null;
    if (value === null) return false;
    if (filter.operator === 'contains' || filter.operator === 'not_contains') {
      return value.toLowerCase().includes(wanted.toLowerCase());
    }
    return wild && wanted.includes('*') ? wildcard(wanted, value) : value === wanted;
  });
  return filter.operator === 'is' || filter.operator === 'contains' ? hit : !hit;
}

export class StatsModel {
  private readonly viewsBySession = new Map<string, PageViewRow[]>();
  private readonly eventsBySession = new Map<string, EventRow[]>();
  private readonly sessionById = new Map<string, SessionRow>();

  constructor(
    private readonly rows: Rows,
    private readonly timezone: string,
  ) {
    for (const s of rows.sessions) this.sessionById.set(s.id, s);
    for (const v of rows.pageViews) {
      this.viewsBySession.set(v.session_id, [...(this.viewsBySession.get(v.session_id) ?? []), v]);
    }
    for (const e of rows.events) {
      this.eventsBySession.set(e.session_id, [
        ...(this.eventsBySession.get(e.session_id) ?? []),
        e,
      ]);
    }
  }

  /** Whether an instant's local date is within `[first, last]`. */
  inDays(instant: Date, first: string, last: string): boolean {
    const { date } = local(instant, this.timezone);
    return date >= first && date <= last;
  }

  private visitPasses(
    s: SessionRow,
    filters: ModelFilter[],
    goals: ModelGoal[][],
    withPages: boolean,
  ): boolean {
    for (const filter of filters) {
      const level = levelOf(filter.dimension);
      if (level === 'visit' && !matches(filter, VISIT_VALUE[filter.dimension](s))) return false;
    }
    const pageFilters = filters.filter((f) => levelOf(f.dimension) === 'page');
    if (withPages && pageFilters.length > 0) {
      const views = this.viewsBySession.get(s.id) ?? [];
      if (!views.some((v) => pageFilters.every((f) => matches(f, pageValue(f.dimension, v)))))
        return false;
    }
    const eventFilters = filters.filter((f) => levelOf(f.dimension) === 'event');
    if (eventFilters.length > 0) {
      const events = this.eventsBySession.get(s.id) ?? [];
      if (!events.some((e) => eventFilters.every((f) => matches(f, eventValue(f.dimension, e)))))
        return false;
    }
    for (const anyOf of goals) {
      const converted = anyOf.some((goal) =>
        goal.eventName !== null
          ? (this.eventsBySession.get(s.id) ?? []).some((e) => e.name === goal.eventName)
          : (this.viewsBySession.get(s.id) ?? []).some((v) => wildcard(goal.pagePath!, v.path)),
      );
      if (!converted) return false;
    }
    return true;
  }

  private pagePasses(row: { path: string; hostname: string }, filters: ModelFilter[]): boolean {
    return filters
      .filter((f) => levelOf(f.dimension) === 'page')
      .every((f) => matches(f, pageValue(f.dimension, row)));
  }

  hits(
    first: string,
    last: string,
    filters: ModelFilter[],
    goals: ModelGoal[][] = [],
  ): PageViewRow[] {
    return this.rows.pageViews.filter(
      (v) =>
        this.inDays(v.created_at, first, last) &&
        this.pagePasses(v, filters) &&
        this.visitPasses(this.sessionById.get(v.session_id)!, filters, goals, false),
    );
  }

  visits(
    first: string,
    last: string,
    filters: ModelFilter[],
    goals: ModelGoal[][] = [],
  ): SessionRow[] {
    return this.rows.sessions.filter(
      (s) => this.inDays(s.started_at, first, last) && this.visitPasses(s, filters, goals, true),
    );
  }

  events(
    first: string,
    last: string,
    filters: ModelFilter[],
    goals: ModelGoal[][] = [],
  ): EventRow[] {
    return this.rows.events.filter(
      (e) =>
        this.inDays(e.created_at, first, last) &&
        this.pagePasses(e, filters) &&
        filters
          .filter((f) => levelOf(f.dimension) === 'event')
          .every((f) => matches(f, eventValue(f.dimension, e))) &&
        this.visitPasses(this.sessionById.get(e.session_id)!, filters, goals, false),
    );
  }

  static metrics(hits: PageViewRow[], visits: SessionRow[]) {
    const n = visits.length;
    const views = visits.reduce((sum, s) => sum + s.page_view_count, 0);
    const seconds = visits.reduce(
      (sum, s) => sum + (s.last_activity_at.getTime() - s.started_at.getTime()) / 1000,
      0,
    );
    return {
      visitors: new Set(hits.map((v) => v.visitor_id)).size,
      visits: n,
      pageviews: hits.length,
      viewsPerVisit: n > 0 ? Math.round((100 * views) / n) / 100 : 0,
      bounceRate:
        n > 0 ? Math.round((100 * visits.filter((s) => s.page_view_count <= 1).length) / n) : 0,
      visitDuration: n > 0 ? Math.round(seconds / n) : 0,
    };
  }

  summary(first: string, last: string, filters: ModelFilter[], goals: ModelGoal[][] = []) {
    return StatsModel.metrics(
      this.hits(first, last, filters, goals),
      this.visits(first, last, filters, goals),
    );
  }

  /** Points keyed by local bucket label (`YYYY-MM-DD` for days, `YYYY-MM-DDTHH:00` for hours). */
  series(
    first: string,
    last: string,
    interval: 'day' | 'hour',
    filters: ModelFilter[],
    goals: ModelGoal[][] = [],
  ) {
    const label = (instant: Date) => {
      const l = local(instant, this.timezone);
      return interval === 'day' ? l.date : `${l.date}T${l.hour}:00`;
    };
    const hits = this.hits(first, last, filters, goals);
    const visits = this.visits(first, last, filters, goals);
    const labels = new Set([
      ...hits.map((v) => label(v.created_at)),
      ...visits.map((s) => label(s.started_at)),
    ]);
    const points = new Map<string, ReturnType<typeof StatsModel.metrics>>();
    for (const key of labels) {
      points.set(
        key,
        StatsModel.metrics(
          hits.filter((v) => label(v.created_at) === key),
          visits.filter((s) => label(s.started_at) === key),
        ),
      );
    }
    return points;
  }

  /** Every row of a breakdown, keyed by value (`null` as the string "null"). */
  breakdown(
    dimension: string,
    first: string,
    last: string,
    filters: ModelFilter[],
    goals: ModelGoal[][] = [],
  ) {
    const level = levelOf(dimension);
    const out = new Map<string, Record<string, number | string | null>>();
    const key = (value: string | null) => (value === null ? 'null' : value);
    if (level === 'visit') {
      const value = VISIT_VALUE[dimension];
      const hits = this.hits(first, last, filters, goals);
      const visits = this.visits(first, last, filters, goals);
      const values = new Set<string | null>([
        ...hits.map((v) => value(this.sessionById.get(v.session_id)!)),
        ...visits.map(value),
      ]);
      for (const v of values) {
        const m = StatsModel.metrics(
          hits.filter((h) => value(this.sessionById.get(h.session_id)!) === v),
          visits.filter((s) => value(s) === v),
        );
        out.set(key(v), {
          value: v,
          visitors: m.visitors,
          visits: m.visits,
          pageviews: m.pageviews,
          bounceRate: m.bounceRate,
          visitDuration: m.visitDuration,
        });
      }
    } else if (level === 'page') {
      const hits = this.hits(first, last, filters, goals);
      for (const v of new Set(hits.map((h) => pageValue(dimension, h)))) {
        const rows = hits.filter((h) => pageValue(dimension, h) === v);
        out.set(key(v), {
          value: v,
          visitors: new Set(rows.map((h) => h.visitor_id)).size,
          // A visit counts once per local day it viewed the value (see "Stats: definitions").
          visits: new Set(
            rows.map((h) => `${h.session_id} ${local(h.created_at, this.timezone).date}`),
          ).size,
          pageviews: rows.length,
        });
      }
    } else {
      const events = this.events(first, last, filters, goals).filter(
        (e) => eventValue(dimension, e) !== null,
      );
      const total = new Set(
        this.hits(
          first,
          last,
          filters.filter((f) => levelOf(f.dimension) !== 'event'),
        ).map((h) => h.visitor_id),
      ).size;
      for (const v of new Set(events.map((e) => eventValue(dimension, e)))) {
        const rows = events.filter((e) => eventValue(dimension, e) === v);
        const visitors = new Set(rows.map((e) => e.visitor_id)).size;
        out.set(key(v), {
          value: v,
          visitors,
          events: rows.length,
          conversionRate: total > 0 ? Math.round((1000 * visitors) / total) / 10 : 0,
        });
      }
    }
    return out;
  }

  /** Per goal: converted visitors, conversions and the conversion rate, as the goals route gives them. */
  goalStats(first: string, last: string, filters: ModelFilter[], goals: ModelGoal[]) {
    const total = new Set(
      this.hits(
        first,
        last,
        filters.filter((f) => levelOf(f.dimension) !== 'event'),
      ).map((h) => h.visitor_id),
    ).size;
    return goals.map((goal) => {
      const conversions: { visitor_id: string }[] =
        goal.eventName !== null
          ? this.events(first, last, filters).filter((e) => e.name === goal.eventName)
          : this.hits(first, last, filters).filter((v) => wildcard(goal.pagePath!, v.path));
      const visitors = new Set(conversions.map((c) => c.visitor_id)).size;
      return {
        name: goal.name,
        visitors,
        conversions: conversions.length,
        conversionRate: total > 0 ? Math.round((1000 * visitors) / total) / 10 : 0,
      };
    });
  }
}
