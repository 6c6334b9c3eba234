/** The dashboard's view, as its URL holds it, and the stats API query it asks for. */
export const PERIODS = [
  { value: 'realtime', label: 'Realtime (30 minutes)' },
  { value: 'day', label: 'Today' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: 'month', label: 'This month' },
  { value: '6mo', label: 'Last 6 months' },
  { value: '12mo', label: 'Last 12 months' },
  { value: 'all', label: 'All time' },
  { value: 'custom', label: 'Custom range' },
] as const;

export type PeriodName = (typeof PERIODS)[number]['value'];
export type Interval = 'minute' | 'hour' | 'day' | 'week' | 'month';

export interface StatsQuery {
  period: PeriodName;
  date?: string;
  from?: string;
  to?: string;
  compare: 'previous' | 'year' | 'off';
  filter: string[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The stats query of the dashboard's URL; anything missing or malformed takes its default. */
export function statsQueryOf(params: URLSearchParams): StatsQuery {
  const asked = params.get('period');
  const period = PERIODS.some((known) => known.value === asked) ? (asked as PeriodName) : '30d';
  const date = params.get('date') ?? undefined;
  const from = params.get('from') ?? undefined;
  const to = params.get('to') ?? undefined;
  const custom = period === 'custom' && from && to && DATE.test(from) && DATE.test(to);
  return {
    period: period === 'custom' && !custom ? '30d' : period,
    ...(date && DATE.test(date) && period !== 'custom' ? { date } : {}),
    ...(custom ? { from, to } : {}),
    // Plausible's "compare" is opt-in; here the change is the point of the figures, so it is on
    // (the previous period) unless the view asks for last year or none (nothing for "all" and
    // realtime).
    compare:
      period === 'all' || period === 'realtime'
        ? 'off'
        : params.get('compare') === 'off' || params.get('compare') === 'year'
          ? (params.get('compare') as 'off' | 'year')
          : 'previous',
    filter: params.getAll('filter'),
  };
}

/**
 * The address of a file the stats API streams for `query` (a CSV export): a plain link, since
 * the session cookie goes along.
 */
export function exportUrl(
  siteId: string,
  path: string,
  query: StatsQuery,
  extra: Record<string, string> = {},
): string {
  const params = new URLSearchParams({ period: query.period });
  for (const key of ['date', 'from', 'to'] as const) {
    const value = query[key];
    if (value) params.set(key, value);
  }
  for (const filter of query.filter) params.append('filter', filter);
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  return `/api/sites/${siteId}/stats/${path}?${params}`;
}

/** How often a view asks again by itself: every 10 s in realtime, else when the window regains focus. */
export function refreshOf(query: StatsQuery): number | false {
  return query.period === 'realtime' ? 10_000 : false;
}

/** The intervals a period can be charted by, the first being the default. */
export function intervalsFor(query: StatsQuery): Interval[] {
  switch (query.period) {
    case 'realtime':
      return ['minute'];
    case 'day':
      return ['hour'];
    case '7d':
      return ['day', 'hour'];
    case '30d':
    case 'month':
      return ['day', 'week'];
    case '6mo':
    case '12mo':
      return ['month', 'week', 'day'];
    case 'all':
      return ['month', 'week'];
    case 'custom': {
      const days = (Date.parse(query.to!) - Date.parse(query.from!)) / 86_400_000 + 1;
      if (days <= 2) return ['hour', 'day'];
      if (days <= 62) return ['day', 'week'];
      return ['month', 'week', 'day'];
    }
  }
}
