import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { api, type BreakdownRow, readingThroughSharedLink, unwrap } from '../api/client';
import { dimensionLabel, valueLabel } from '../lib/dimensions';
import { formatCount, formatDuration } from '../lib/format';
import { exportUrl, refreshOf, type StatsQuery } from '../lib/query';
import { ErrorNote, Loading } from './ui';

export interface Tab {
  label: string;
  dimension: string;
}

const PANEL_ROWS = 9;
const DETAIL_ROWS = 50;

function useBreakdown(
  siteId: string,
  dimension: string,
  query: StatsQuery,
  extra: { limit: number; page?: number; search?: string },
) {
  const params = { ...query, compare: undefined, ...extra, search: extra.search || undefined };
  return useQuery({
    queryKey: ['stats', siteId, 'breakdown', dimension, params],
    queryFn: () =>
      unwrap(
        api.GET('/api/sites/{siteId}/stats/breakdown/{dimension}', {
          params: { path: { siteId, dimension }, query: params },
        }),
      ),
    placeholderData: keepPreviousData,
    refetchInterval: refreshOf(query),
  });
}

const COLUMN_LABELS: Record<string, string> = {
  visitors: 'Visitors',
  visits: 'Visits',
  pageviews: 'Page views',
  bounceRate: 'Bounce rate',
  visitDuration: 'Visit duration',
  events: 'Events',
  conversionRate: 'Conversion rate',
};

function cell(column: string, row: BreakdownRow): string {
  const value = row[column as keyof BreakdownRow];
  if (typeof value !== 'number') return '';
  if (column === 'bounceRate' || column === 'conversionRate') return `${value}%`;
  if (column === 'visitDuration') return formatDuration(value);
  return formatCount(value);
}

/**
 * A breakdown panel: the top rows of one dimension (tabs switch it), each a button that filters
 * the whole dashboard by its value, and "Details" for every row, paged and searchable.
 */
export function BreakdownPanel({
  title,
  panel = title,
  tabs,
  siteId,
  query,
  onSelect,
}: {
  title: string;
  /** The panel's name for tests and benches (`data-panel`), when the title varies. */
  panel?: string;
  tabs: Tab[];
  siteId: string;
  query: StatsQuery;
  onSelect: (dimension: string, value: string | null) => void;
}) {
  const [tab, setTab] = useState(0);
  const [details, setDetails] = useState(false);
  const { dimension } = tabs[tab];
  const result = useBreakdown(siteId, dimension, query, { limit: PANEL_ROWS });
  const headingId = useId();
  const rows = result.data?.rows ?? [];
  const max = Math.max(1, ...rows.map((row) => row.visitors));
  const metric = dimension === 'event' || dimension.startsWith('prop.') ? 'events' : 'visitors';
  return (
    <section className="panel" aria-labelledby={headingId} data-panel={panel}>
      <div className="panel-head">
        <h2 id={headingId}>{title}</h2>
        {tabs.length > 1 && (
          <div className="tabs" role="group" aria-label={`${title}: show`}>
            {tabs.map((item, index) => (
              <button
                key={item.dimension}
                type="button"
                aria-pressed={index === tab}
                onClick={() => setTab(index)}
              >
                {item.label}
              </button>
            ))}
          </div>
        )}
      </div>
      <div className="panel-columns" aria-hidden="true">
        <span>{tabs[tab].label}</span>
        <span>{COLUMN_LABELS[metric]}</span>
      </div>
      {result.isPending && <Loading />}
      {result.isError && <ErrorNote error={result.error} retry={() => void result.refetch()} />}
      {result.data && rows.length === 0 && <p className="empty">No data for this period.</p>}
      <ol className="rows">
        {rows.map((row) => (
          <li key={row.value ?? '(none)'}>
            <button
              type="button"
              className="row"
              title={`Filter by ${dimensionLabel(dimension)}: ${valueLabel(dimension, row.value)}`}
              onClick={() => onSelect(dimension, row.value)}
            >
              <span
                className="bar"
                style={{ width: `${(row.visitors / max) * 100}%` }}
                aria-hidden="true"
              />
              <span className="row-label">{valueLabel(dimension, row.value)}</span>
              <span className="row-value">{cell(metric, row)}</span>
            </button>
          </li>
        ))}
      </ol>
      {(result.data?.hasMore || rows.length > 0) && (
        <button type="button" className="button link details" onClick={() => setDetails(true)}>
          Details
        </button>
      )}
      {details && (
        <Details
          title={`${title}: ${tabs[tab].label}`}
          dimension={dimension}
          siteId={siteId}
          query={query}
          onSelect={(value) => {
            setDetails(false);
            onSelect(dimension, value);
          }}
          onClose={() => setDetails(false)}
        />
      )}
    </section>
  );
}

/** Every row of the breakdown as a CSV file. */
function csvUrl(siteId: string, dimension: string, query: StatsQuery, search: string): string {
  return exportUrl(siteId, `breakdown/${encodeURIComponent(dimension)}`, query, {
    format: 'csv',
    ...(search ? { search } : {}),
  });
}

function Details({
  title,
  dimension,
  siteId,
  query,
  onSelect,
  onClose,
}: {
  title: string;
  dimension: string;
  siteId: string;
  query: StatsQuery;
  onSelect: (value: string | null) => void;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const result = useBreakdown(siteId, dimension, query, { limit: DETAIL_ROWS, page, search });
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  const columns = result.data?.columns.filter((column) => column !== 'value') ?? [];
  return (
    <dialog ref={dialog} className="details" onClose={onClose} aria-label={title}>
      <div className="details-head">
        <h2>{title}</h2>
        {!readingThroughSharedLink() && (
          <a className="button secondary" href={csvUrl(siteId, dimension, query, search)} download>
            Download CSV
          </a>
        )}
        <button type="button" className="button secondary" onClick={() => dialog.current?.close()}>
          Close
        </button>
      </div>
      <label className="search">
        <span className="visually-hidden">Search</span>
        <input
          type="search"
          placeholder="Search"
          value={search}
          onChange={(event) => {
            setSearch(event.target.value);
            setPage(1);
          }}
        />
      </label>
      {result.isError && <ErrorNote error={result.error} retry={() => void result.refetch()} />}
      {result.isPending && <Loading />}
      {result.data && (
        <div className="table-scroll" tabIndex={0} role="region" aria-label={title}>
          <table>
            <thead>
              <tr>
                <th scope="col">{dimensionLabel(dimension)}</th>
                {columns.map((column) => (
                  <th scope="col" key={column} className="number">
                    {COLUMN_LABELS[column] ?? column}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {result.data.rows.map((row) => (
                <tr key={row.value ?? '(none)'}>
                  <td>
                    <button
                      type="button"
                      className="button link"
                      onClick={() => onSelect(row.value)}
                    >
                      {valueLabel(dimension, row.value)}
                    </button>
                  </td>
                  {columns.map((column) => (
                    <td key={column} className="number">
                      {cell(column, row)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          {result.data.rows.length === 0 && <p className="empty">Nothing matches.</p>}
        </div>
      )}
      <div className="pager">
        <button
          type="button"
          className="button secondary"
          disabled={page === 1}
          onClick={() => setPage(page - 1)}
        >
          Previous
        </button>
        <span>Page {page}</span>
        <button
          type="button"
          className="button secondary"
          disabled={!result.data?.hasMore}
          onClick={() => setPage(page + 1)}
        >
          Next
        </button>
      </div>
    </dialog>
  );
}

/** Goals: each goal's converting visitors, conversions and conversion rate; a row filters by it. */
export function GoalsPanel({
  siteId,
  query,
  onSelect,
}: {
  siteId: string;
  query: StatsQuery;
  onSelect: (dimension: string, value: string | null) => void;
}) {
  const params = { ...query, compare: undefined };
  const result = useQuery({
    queryKey: ['stats', siteId, 'goals', params],
    queryFn: () =>
      unwrap(
        api.GET('/api/sites/{siteId}/stats/goals', {
          params: { path: { siteId }, query: params },
        }),
      ),
    placeholderData: keepPreviousData,
    refetchInterval: refreshOf(query),
  });
  const headingId = useId();
  const goals = result.data?.goals ?? [];
  const max = Math.max(1, ...goals.map((goal) => goal.visitors));
  return (
    <section className="panel" aria-labelledby={headingId} data-panel="Goals">
      <div className="panel-head">
        <h2 id={headingId}>Goals</h2>
      </div>
      <div className="panel-columns" aria-hidden="true">
        <span>Goal</span>
        <span>Visitors · Rate</span>
      </div>
      {result.isPending && <Loading />}
      {result.isError && <ErrorNote error={result.error} retry={() => void result.refetch()} />}
      {result.data && goals.length === 0 && (
        <p className="empty">No goals yet. An admin adds them in the site's settings.</p>
      )}
      <ol className="rows">
        {goals.map((goal) => (
          <li key={goal.id}>
            <button
              type="button"
              className="row"
              title={`Filter by goal: ${goal.name} (${formatCount(goal.conversions)} conversions)`}
              onClick={() => onSelect('goal', goal.name)}
            >
              <span
                className="bar"
                style={{ width: `${(goal.visitors / max) * 100}%` }}
                aria-hidden="true"
              />
              <span className="row-label">{goal.name}</span>
              <span className="row-value">
                {formatCount(goal.visitors)} · {goal.conversionRate}%
              </span>
            </button>
          </li>
        ))}
      </ol>
    </section>
  );
}

const FILTER_REASONS: Record<string, string> = {
  bot: 'Bots and crawlers',
  prefetch: 'Prefetches and previews',
  referrer_spam: 'Referrer spam',
  rate_limited: 'Over the rate limit',
  origin_not_allowed: 'From a domain not allowed',
  site_not_found: 'While the site was paused',
  invalid: 'Invalid requests',
  too_large: 'Too large',
  unsupported_media_type: 'Not JSON',
};

/** What `/track` refused or ignored for this site, per reason: traffic that is not counted. */
export function FilteredTrafficPanel({ siteId, query }: { siteId: string; query: StatsQuery }) {
  const params = { ...query, compare: undefined, filter: undefined };
  const result = useQuery({
    queryKey: ['stats', siteId, 'filtered-traffic', params],
    queryFn: () =>
      unwrap(
        api.GET('/api/sites/{siteId}/stats/filtered-traffic', {
          params: { path: { siteId }, query: params },
        }),
      ),
    placeholderData: keepPreviousData,
    refetchInterval: refreshOf(query),
  });
  const headingId = useId();
  const totals = result.data?.totals ?? [];
  const max = Math.max(1, ...totals.map((total) => total.count));
  return (
    <section className="panel" aria-labelledby={headingId} data-panel="Filtered traffic">
      <div className="panel-head">
        <h2 id={headingId}>Not counted</h2>
      </div>
      <div className="panel-columns" aria-hidden="true">
        <span>Reason</span>
        <span>Requests</span>
      </div>
      {result.isPending && <Loading />}
      {result.isError && <ErrorNote error={result.error} retry={() => void result.refetch()} />}
      {result.data && totals.length === 0 && (
        <p className="empty">Nothing was filtered out in this period.</p>
      )}
      <ol className="rows">
        {totals.map((total) => (
          <li key={total.reason} className="row static">
            <span
              className="bar"
              style={{ width: `${(total.count / max) * 100}%` }}
              aria-hidden="true"
            />
            <span className="row-label">{FILTER_REASONS[total.reason] ?? total.reason}</span>
            <span className="row-value">{formatCount(total.count)}</span>
          </li>
        ))}
      </ol>
      <p className="hint">Requests to /track that stored nothing; filters above do not apply.</p>
    </section>
  );
}

/**
 * The properties of one custom event (shown while the dashboard is filtered by it): a tab per
 * property key the period's events carry, most used first, each a breakdown of its values.
 */
export function EventPropertiesPanel({
  siteId,
  query,
  event,
  onSelect,
}: {
  siteId: string;
  query: StatsQuery;
  event: string;
  onSelect: (dimension: string, value: string | null) => void;
}) {
  const params = { period: query.period, date: query.date, from: query.from, to: query.to, event };
  const keys = useQuery({
    queryKey: ['stats', siteId, 'event-properties', params],
    queryFn: () =>
      unwrap(
        api.GET('/api/sites/{siteId}/stats/event-properties', {
          params: { path: { siteId }, query: params },
        }),
      ),
    refetchInterval: refreshOf(query),
  });
  const title = `Properties of ${event}`;
  if (!keys.data || keys.data.keys.length === 0) {
    return (
      <section className="panel" aria-label={title} data-panel="Properties">
        <div className="panel-head">
          <h2>{title}</h2>
        </div>
        {keys.isPending && <Loading />}
        {keys.isError && <ErrorNote error={keys.error} retry={() => void keys.refetch()} />}
        {keys.data && <p className="empty">These events carry no properties in this period.</p>}
      </section>
    );
  }
  return (
    <BreakdownPanel
      key={event}
      title={title}
      panel="Properties"
      siteId={siteId}
      query={query}
      onSelect={onSelect}
      tabs={keys.data.keys.slice(0, 6).map(({ key }) => ({ label: key, dimension: `prop.${key}` }))}
    />
  );
}
