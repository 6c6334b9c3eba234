import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type ReactNode, useEffect, useMemo, useRef } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { api, ApiError, type Metrics, readingThroughSharedLink, unwrap } from '../api/client';
import {
  BreakdownPanel,
  EventPropertiesPanel,
  FilteredTrafficPanel,
  GoalsPanel,
  type Tab,
} from '../components/breakdown';
import { Chart } from '../components/chart';
import { ErrorNote, Loading, PageTitle } from '../components/ui';
import { dimensionLabel, valueLabel } from '../lib/dimensions';
import { type Filter, filtersOf, OPERATOR_LABELS, withFilter, withoutFilter } from '../lib/filters';
import {
  change,
  formatCount,
  formatDay,
  formatMetric,
  isMetricKey,
  METRICS,
  type MetricKey,
} from '../lib/format';
import { canManage } from './sites';
import { useSiteRole } from './site-role';
import {
  exportUrl,
  type Interval,
  intervalsFor,
  PERIODS,
  refreshOf,
  type StatsQuery,
  statsQueryOf,
} from '../lib/query';

/** The breakdown panels, in the order they are shown; each tab is one dimension of the API. */
const PANELS: { title: string; tabs: Tab[] }[] = [
  {
    title: 'Pages',
    tabs: [
      { label: 'Top pages', dimension: 'page' },
      { label: 'Entry pages', dimension: 'entry_page' },
      { label: 'Exit pages', dimension: 'exit_page' },
    ],
  },
  {
    title: 'Sources',
    tabs: [
      { label: 'Sources', dimension: 'source' },
      { label: 'Referrers', dimension: 'referrer' },
      { label: 'Campaigns', dimension: 'utm_campaign' },
      { label: 'Mediums', dimension: 'utm_medium' },
      { label: 'UTM sources', dimension: 'utm_source' },
    ],
  },
  { title: 'Countries', tabs: [{ label: 'Countries', dimension: 'country' }] },
  {
    title: 'Devices',
    tabs: [
      { label: 'Browsers', dimension: 'browser' },
      { label: 'OS', dimension: 'os' },
      { label: 'Devices', dimension: 'device' },
      { label: 'Screens', dimension: 'screen' },
    ],
  },
  { title: 'Events', tabs: [{ label: 'Custom events', dimension: 'event' }] },
];

/** The panels for these filters: filtered by a source, the sources panel opens on its referrers. */
function panelsFor(filters: Filter[]): typeof PANELS {
  const bySource = filters.some(
    (filter) =>
      filter.dimension === 'source' && filter.operator === 'is' && filter.values.length === 1,
  );
  if (!bySource) return PANELS;
  return PANELS.map((panel) =>
    panel.title === 'Sources'
      ? {
          ...panel,
          tabs: [...panel.tabs].sort(
            (a, b) => Number(b.dimension === 'referrer') - Number(a.dimension === 'referrer'),
          ),
        }
      : panel,
  );
}

/** The dashboard's URL query, and a way to change it that keeps back/forward working. */
function useView(basePath: string) {
  const search = useSearch();
  const [, navigate] = useLocation();
  const params = useMemo(() => new URLSearchParams(search), [search]);
  const query = useMemo(() => statsQueryOf(params), [params]);
  const go = (next: URLSearchParams) => {
    const text = next.toString();
    navigate(`${basePath}${text ? `?${text}` : ''}`);
  };
  const set = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) next.delete(key);
      else next.set(key, value);
    }
    go(next);
  };
  return { params, query, go, set };
}

function PeriodPicker({ view }: { view: ReturnType<typeof useView> }) {
  const { query, set } = view;
  const today = new Date().toISOString().slice(0, 10);
  return (
    <div className="period" role="group" aria-label="Period">
      <label className="visually-hidden" htmlFor="period">
        Period
      </label>
      <select
        id="period"
        value={query.period}
        onChange={(event) => {
          const period = event.target.value;
          if (period === 'custom') {
            const from = new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10);
            set({ period, from: query.from ?? from, to: query.to ?? today, date: undefined });
          } else {
            set({ period, from: undefined, to: undefined, date: undefined });
          }
        }}
      >
        {PERIODS.map((period) => (
          <option key={period.value} value={period.value}>
            {period.label}
          </option>
        ))}
      </select>
      {query.period === 'custom' && (
        <>
          <label>
            From
            <input
              type="date"
              value={query.from}
              max={query.to}
              onChange={(event) => event.target.value && set({ from: event.target.value })}
            />
          </label>
          <label>
            To
            <input
              type="date"
              value={query.to}
              min={query.from}
              onChange={(event) => event.target.value && set({ to: event.target.value })}
            />
          </label>
        </>
      )}
      {query.period !== 'all' && query.period !== 'realtime' && (
        <label>
          Compare with
          <select
            value={query.compare}
            onChange={(event) =>
              set({ compare: event.target.value === 'previous' ? undefined : event.target.value })
            }
          >
            <option value="previous">the previous period</option>
            <option value="year">the same dates a year earlier</option>
            <option value="off">nothing</option>
          </select>
        </label>
      )}
    </div>
  );
}

function FilterChips({ view }: { view: ReturnType<typeof useView> }) {
  const filters = filtersOf(view.params);
  if (filters.length === 0) return null;
  return (
    <ul className="chips" aria-label="Filters">
      {filters.map((filter) => {
        const text = `${dimensionLabel(filter.dimension)} ${OPERATOR_LABELS[filter.operator]} ${filter.values
          .map((value) => valueLabel(filter.dimension, value))
          .join(' or ')}`;
        return (
          <li key={filter.dimension} className="chip">
            <span>{text}</span>
            <button
              type="button"
              aria-label={`Remove filter: ${text}`}
              onClick={() => view.go(withoutFilter(view.params, filter.dimension))}
            >
              ×
            </button>
          </li>
        );
      })}
      {filters.length > 1 && (
        <li>
          <button
            type="button"
            className="button link"
            onClick={() => view.go(clearFilters(view.params))}
          >
            Clear all
          </button>
        </li>
      )}
    </ul>
  );
}

function clearFilters(params: URLSearchParams): URLSearchParams {
  const next = new URLSearchParams(params);
  next.delete('filter');
  return next;
}

function Figures({
  metrics,
  previous,
  selected,
  onSelect,
  live,
}: {
  metrics: Metrics;
  previous: Metrics | null;
  selected: MetricKey;
  onSelect: (key: MetricKey) => void;
  live: number | undefined;
}) {
  const shown = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // When the figures were first shown, from the navigation's start (read by the dashboard bench).
    if (shown.current) shown.current.dataset.shownAt ??= String(Math.round(performance.now()));
  }, []);
  return (
    <div className="figures" ref={shown}>
      <div className="figure live">
        <span className="figure-label">
          <span className="status-dot" aria-hidden="true" /> Live now
        </span>
        <span className="figure-value" data-metric="live">
          {live === undefined ? '–' : formatCount(live)}
        </span>
        <span className="figure-change">visitors in the last 5 minutes</span>
      </div>
      {METRICS.map((metric) => {
        const delta = change(metric.key, metrics[metric.key], previous);
        const good =
          delta &&
          delta.direction !== 'flat' &&
          (delta.direction === 'up') !== Boolean(metric.lowerIsBetter);
        return (
          <button
            key={metric.key}
            type="button"
            className="figure"
            aria-pressed={metric.key === selected}
            onClick={() => onSelect(metric.key)}
          >
            <span className="figure-label">{metric.label}</span>
            <span className="figure-value" data-metric={metric.key}>
              {formatMetric(metric.key, metrics[metric.key])}
            </span>
            {delta && (
              <span
                className={`figure-change ${delta.direction === 'flat' ? '' : good ? 'good' : 'bad'}`}
              >
                <span aria-hidden="true">
                  {delta.direction === 'up' ? '↑' : delta.direction === 'down' ? '↓' : '→'}
                </span>
                <span className="visually-hidden">
                  {delta.direction === 'up'
                    ? 'up'
                    : delta.direction === 'down'
                      ? 'down'
                      : 'unchanged'}
                </span>{' '}
                {delta.text}
              </span>
            )}
          </button>
        );
      })}
    </div>
  );
}

function bucketLabel(date: string, interval: Interval): string {
  if (interval === 'hour' || interval === 'minute') return date.slice(11, 16);
  if (interval === 'month') return formatDay(`${date.slice(0, 7)}-01`).replace(/^1 /, '');
  return formatDay(date.slice(0, 10), false);
}

function TimeseriesChart({
  siteId,
  query,
  metric,
  view,
}: {
  siteId: string;
  query: StatsQuery;
  metric: MetricKey;
  view: ReturnType<typeof useView>;
}) {
  const intervals = intervalsFor(query);
  const asked = view.params.get('interval') as Interval | null;
  const interval = asked && intervals.includes(asked) ? asked : intervals[0];
  const result = useQuery({
    queryKey: ['stats', siteId, 'timeseries', query, interval],
    queryFn: () =>
      unwrap(
        api.GET('/api/sites/{siteId}/stats/timeseries', {
          params: { path: { siteId }, query: { ...query, interval } },
        }),
      ),
    placeholderData: keepPreviousData,
    refetchInterval: refreshOf(query),
  });
  const label = METRICS.find((item) => item.key === metric)!.label;
  const chart = useMemo(() => {
    if (!result.data) return null;
    const { points, comparison } = result.data;
    return {
      labels: points.map((point) => bucketLabel(point.date, interval)),
      series: [
        { label, values: points.map((point) => point[metric]) },
        ...(comparison
          ? [
              {
                label: `${label}, ${query.compare === 'year' ? 'a year earlier' : 'previous period'}`,
                values: points.map((_point, index) => comparison.points[index]?.[metric] ?? null),
                dashed: true,
              },
            ]
          : []),
      ],
      description: `${label} by ${interval}: ${points.map((point) => `${point.date} ${formatMetric(metric, point[metric])}`).join(', ')}`,
    };
  }, [result.data, metric, interval, label]);
  const format = useMemo(() => (value: number) => formatMetric(metric, value), [metric]);
  return (
    <section className="panel chart-panel" aria-label={`${label} chart`}>
      <div className="panel-head">
        <h2>{label}</h2>
        {intervals.length > 1 && (
          <div className="tabs" role="group" aria-label="Interval">
            {intervals.map((item) => (
              <button
                key={item}
                type="button"
                aria-pressed={item === interval}
                onClick={() => view.set({ interval: item })}
              >
                {item[0].toUpperCase() + item.slice(1)}
              </button>
            ))}
          </div>
        )}
      </div>
      {result.isError && <ErrorNote error={result.error} retry={() => void result.refetch()} />}
      {!chart && result.isPending && <Loading />}
      {chart && chart.series.length > 1 && (
        <p className="legend" aria-hidden="true">
          <span className="legend-current">This period</span>
          <span className="legend-previous">
            {query.compare === 'year' ? 'A year earlier' : 'Previous period'}
          </span>
        </p>
      )}
      {chart && (
        <Chart
          integer={metric === 'visitors' || metric === 'visits' || metric === 'pageviews'}
          labels={chart.labels}
          series={chart.series}
          format={format}
          description={chart.description}
        />
      )}
    </section>
  );
}

/** What the dashboard shows of a site besides its stats. */
export interface DashboardSite {
  id: string;
  name: string;
  domain: string;
  timezone: string;
}

/** Until the site's first page view: says so, and where the snippet is (for those who may install it). */
function InstallationNotice({ siteId, install }: { siteId: string; install?: string }) {
  const installation = useQuery({
    queryKey: ['installation', siteId],
    queryFn: () =>
      unwrap(api.GET('/api/sites/{siteId}/installation', { params: { path: { siteId } } })),
    refetchInterval: (query) => (query.state.data?.installed || query.state.error ? false : 10_000),
  });
  if (installation.data?.installed !== false) return null;
  return (
    <p className="notice" role="status">
      No page view has arrived yet.{' '}
      {install ? (
        <Link href={install}>Add the snippet to the site</Link>
      ) : (
        'An admin of the account has the snippet to add to the site.'
      )}
      ; the figures fill in as visitors come.
    </p>
  );
}

/** `/sites/:siteId`: the dashboard of a site of one of your accounts. */
export function SiteDashboard({ siteId }: { siteId: string }) {
  const { site, role } = useSiteRole(siteId);
  if (site.isError) {
    if (site.error instanceof ApiError && site.error.status === 404) {
      return (
        <section className="narrow">
          <PageTitle title="Site not found">Site not found</PageTitle>
          <p>
            There is no site at this address that you can see.{' '}
            <Link href="/sites">Go to your sites</Link>.
          </p>
        </section>
      );
    }
    return <ErrorNote error={site.error} retry={() => void site.refetch()} />;
  }
  if (!site.data) return <Loading />;
  return (
    <DashboardView
      notice={
        <InstallationNotice
          siteId={siteId}
          install={role && canManage(role) ? `/sites/${siteId}/install` : undefined}
        />
      }
      site={site.data}
      basePath={`/sites/${siteId}`}
      settings={role && canManage(role) ? `/sites/${siteId}/settings` : undefined}
    />
  );
}

/**
 * The dashboard of one site: for a member (`SiteDashboard`) and for a shared link's holder
 * (`SharedDashboard`, whose requests carry the link). `basePath` is where its view's URL lives.
 */
export function DashboardView({
  site,
  basePath,
  settings,
  notice,
}: {
  site: DashboardSite;
  basePath: string;
  settings?: string;
  /** Shown above the figures (a site without data yet says how to install it). */
  notice?: ReactNode;
}) {
  const siteId = site.id;
  const view = useView(basePath);
  const { query, params } = view;
  const path = { path: { siteId } };
  const summary = useQuery({
    queryKey: ['stats', siteId, 'summary', query],
    queryFn: () =>
      unwrap(api.GET('/api/sites/{siteId}/stats/summary', { params: { ...path, query: query } })),
    placeholderData: keepPreviousData,
    refetchInterval: refreshOf(query),
  });
  const realtime = useQuery({
    queryKey: ['stats', siteId, 'realtime'],
    queryFn: () => unwrap(api.GET('/api/sites/{siteId}/stats/realtime', { params: path })),
    refetchInterval: refreshOf(query) || 30_000,
  });
  const metricParam = params.get('metric');
  const metric: MetricKey = isMetricKey(metricParam) ? metricParam : 'visitors';
  // Filtered by one custom event: its properties get a panel.
  const eventFilter = filtersOf(params).find(
    (filter) =>
      filter.dimension === 'event' && filter.operator === 'is' && filter.values.length === 1,
  );
  const event = eventFilter?.values[0] ?? undefined;
  const select = (dimension: string, value: string | null) =>
    view.go(withFilter(params, { dimension, operator: 'is', values: [value] }));
  return (
    <div className="page dashboard">
      <div className="dashboard-head">
        <div>
          <PageTitle title={site.name}>{site.name}</PageTitle>
          <p className="site-domain">
            {site.domain} · {site.timezone}
            {summary.data && (
              <>
                {' '}
                · {formatDay(summary.data.period.from)}
                {summary.data.period.to !== summary.data.period.from && (
                  <> – {formatDay(summary.data.period.to)}</>
                )}
              </>
            )}
          </p>
        </div>
        <div className="head-tools">
          <PeriodPicker view={view} />
          {settings && (
            <Link href={settings} className="button secondary">
              Settings
            </Link>
          )}
        </div>
      </div>
      {notice}
      <FilterChips view={view} />
      {summary.isError && <ErrorNote error={summary.error} retry={() => void summary.refetch()} />}
      {summary.isPending && <Loading label="Loading the figures…" />}
      {summary.data && (
        <Figures
          metrics={summary.data.metrics}
          previous={summary.data.previous}
          selected={metric}
          onSelect={(key) => view.set({ metric: key === 'visitors' ? undefined : key })}
          live={realtime.data?.visitors}
        />
      )}
      <TimeseriesChart siteId={siteId} query={query} metric={metric} view={view} />
      <div className="panels">
        {panelsFor(filtersOf(params)).map((panel) => (
          <BreakdownPanel
            key={`${panel.title}:${panel.tabs[0].dimension}`}
            title={panel.title}
            tabs={panel.tabs}
            siteId={siteId}
            query={query}
            onSelect={select}
          />
        ))}
        <GoalsPanel siteId={siteId} query={query} onSelect={select} />
        {event && (
          <EventPropertiesPanel siteId={siteId} query={query} event={event} onSelect={select} />
        )}
        {query.period !== 'realtime' && <FilteredTrafficPanel siteId={siteId} query={query} />}
      </div>
      {query.period !== 'realtime' && !readingThroughSharedLink() && (
        <p className="exports">
          Every row of this period{query.filter.length > 0 ? ', filtered,' : ''} as CSV:{' '}
          <a href={exportUrl(siteId, 'export/pageviews', query)} download>
            page views
          </a>{' '}
          ·{' '}
          <a href={exportUrl(siteId, 'export/events', query)} download>
            custom events
          </a>
        </p>
      )}
    </div>
  );
}
