/** How the dashboard writes the API's numbers. It rounds for display, never computes figures. */

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat('en');

/** 950, 1.2K, 3.4M; exact below ten thousand. */
export function formatCount(value: number): string {
  return Math.abs(value) < 10_000 ? whole.format(value) : compact.format(value);
}

/** Seconds as `45s`, `3m 05s`, `1h 02m`. */
export function formatDuration(seconds: number): string {
  const total = Math.round(seconds);
  if (total < 60) return `${total}s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes}m ${String(total % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

export type MetricKey =
  'visitors' | 'visits' | 'pageviews' | 'viewsPerVisit' | 'bounceRate' | 'visitDuration';

export const METRICS: { key: MetricKey; label: string; lowerIsBetter?: boolean }[] = [
  { key: 'visitors', label: 'Unique visitors' },
  { key: 'visits', label: 'Visits' },
  { key: 'pageviews', label: 'Page views' },
  { key: 'viewsPerVisit', label: 'Views per visit' },
  { key: 'bounceRate', label: 'Bounce rate', lowerIsBetter: true },
  { key: 'visitDuration', label: 'Visit duration' },
];

export function isMetricKey(value: string | null): value is MetricKey {
  return METRICS.some((metric) => metric.key === value);
}

/** A metric's value as the figures show it. */
export function formatMetric(key: MetricKey, value: number): string {
  switch (key) {
    case 'bounceRate':
      return `${Math.round(value)}%`;
    case 'visitDuration':
      return formatDuration(value);
    case 'viewsPerVisit':
      return value.toFixed(2);
    case 'visitors':
    case 'visits':
    case 'pageviews':
      return formatCount(value);
  }
}

/** The metrics that are averages over visits: a period without visits has none of them. */
const PER_VISIT: readonly MetricKey[] = ['viewsPerVisit', 'bounceRate', 'visitDuration'];

/**
 * The change from the previous period: a relative change in percent for counts, a difference in
 * points for the bounce rate (a rate's percent change misleads). `null` when there is nothing to
 * compare with: no previous period, a count that was 0, or an average over visits when the
 * previous period had no visits (its 0 is no bounce rate, duration or depth at all).
 */
export function change(
  key: MetricKey,
  current: number,
  previous: Record<MetricKey, number> | null | undefined,
): { text: string; direction: 'up' | 'down' | 'flat' } | null {
  if (!previous) return null;
  if (PER_VISIT.includes(key) && previous.visits === 0) return null;
  return changeFrom(key, current, previous[key]);
}

function changeFrom(
  key: MetricKey,
  current: number,
  previous: number,
): { text: string; direction: 'up' | 'down' | 'flat' } | null {
  if (key === 'bounceRate') {
    const points = Math.round(current - previous);
    return { text: `${Math.abs(points)} pt`, direction: directionOf(points) };
  }
  if (previous === 0) return current === 0 ? { text: '0%', direction: 'flat' } : null;
  const percent = Math.round(((current - previous) / previous) * 100);
  return { text: `${Math.abs(percent)}%`, direction: directionOf(percent) };
}

function directionOf(value: number): 'up' | 'down' | 'flat' {
  return value > 0 ? 'up' : value < 0 ? 'down' : 'flat';
}

/** `2026-11-03` as `3 Nov 2026` (a calendar date, so no timezone is applied). */
export function formatDay(date: string, withYear = true): string {
  const [year, month, day] = date.split('-').map(Number);
  const value = new Date(Date.UTC(year, month - 1, day));
  return value.toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    ...(withYear ? { year: 'numeric' } : {}),
    timeZone: 'UTC',
  });
}

const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });

/** An instant of the API (ISO) in the browser's timezone, `3 Dec 2026, 11:12`; `–` for none. */
export function formatTime(value: string | null): string {
  return value ? dateTime.format(new Date(value)) : '–';
}
