/**
 * Spans: the rollups of a whole closed week (Monday to Sunday) or calendar month, merged from its
 * days' rollups (`stats_spans`, `stats_span_values`). A period reads a span instead of its days
 * where the span lies wholly inside it, so that 30 days read about a dozen rows per value
 * instead of 30, and 12 months about 20 instead of 365: fewer rows to sum and, above all, fewer
 * visitor sketches to merge. A span is only ever the merge of its days' current rollups:
 * recomputing one of its days deletes it in the same transaction, and the rollup job builds it
 * again once its days have settled.
 */

import { shiftDate } from '../period.js';
import { FIRST_DATA_DAY_SQL } from './rollup-sql.js';

export const SPAN_KINDS = ['week', 'month'] as const;
export type SpanKind = (typeof SPAN_KINDS)[number];

export interface Span {
  kind: SpanKind;
  /** Its first local date, `YYYY-MM-DD`. */
  start: string;
}

/** What a range of local dates is read from: spans, and the days no span covers. */
export interface RangePieces {
  spans: Span[];
  days: string[];
}

/** The key of a span in a set of those available: `week:2026-11-23`. */
export function spanKey(span: Span): string {
  return `${span.kind}:${span.start}`;
}

/** The span of `kind` that holds `day`. */
export function spanOf(kind: SpanKind, day: string): Span {
  if (kind === 'month') return { kind, start: `${day.slice(0, 8)}01` };
  // Monday is 1 in getUTCDay; Sunday (0) belongs to the week that began six days before.
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return { kind, start: shiftDate(day, -((weekday + 6) % 7)) };
}

/** The last local date of a span. */
export function spanEnd(span: Span): string {
  if (span.kind === 'week') return shiftDate(span.start, 6);
  const [year, month] = span.start.split('-').map(Number);
  // Day 0 of the next month (months count from 0 in Date.UTC) is this month's last.
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}

/**
 * Splits `[first, last]` into the available spans that lie wholly inside it (months first, then
 * weeks) and the days left over.
 */
export function piecesOf(first: string, last: string, available: ReadonlySet<string>): RangePieces {
  const pieces: RangePieces = { spans: [], days: [] };
  for (let day = first; day <= last;) {
    const span = (['month', 'week'] as const)
      .map((kind) => spanOf(kind, day))
      .find(
        (candidate) =>
          candidate.start === day &&
          spanEnd(candidate) <= last &&
          available.has(spanKey(candidate)),
      );
    if (span) {
      pieces.spans.push(span);
      day = shiftDate(spanEnd(span), 1);
    } else {
      pieces.days.push(day);
      day = shiftDate(day, 1);
    }
  }
  return pieces;
}

/**
 * The spans of a site (`$1`, timezone `$3`) that can be built: closed by `$2` (the last settled
 * local date), every day of theirs from the site's first data on rolled up, and not built yet;
 * the newest first, at most `$4`.
 */
export const SPANS_TO_BUILD_SQL = `
  WITH first AS (SELECT ${FIRST_DATA_DAY_SQL('$1', '$3')} AS day),
  days AS (SELECT day FROM stats_days WHERE site_id = $1 AND day <= $2::date),
  spans AS (
    SELECT 'week' AS kind, date_trunc('week', day::timestamp)::date AS start, count(*) AS n
      FROM days GROUP BY 2
    UNION ALL
    SELECT 'month', date_trunc('month', day::timestamp)::date, count(*) FROM days GROUP BY 2),
  ends AS (
    SELECT kind, start, n,
           CASE kind WHEN 'week' THEN start + 6 ELSE (start + interval '1 month')::date - 1 END AS last
      FROM spans)
  SELECT kind, to_char(start, 'YYYY-MM-DD') AS start FROM ends, first
   WHERE last <= $2::date AND n = last - greatest(start, first.day) + 1
     AND NOT EXISTS (SELECT 1 FROM stats_spans x
                      WHERE x.site_id = $1 AND x.kind = ends.kind AND x.start = ends.start)
   ORDER BY ends.start DESC, kind
   LIMIT $4`;

/** Removes the spans of a site (`$1`) that hold a day (`$2` its week, `$3` its month). */
export const DELETE_SPANS_OF_DAY = ['stats_span_values', 'stats_spans'].map(
  (table) => `DELETE FROM ${table} WHERE site_id = $1
    AND ((kind = 'week' AND start = $2::date) OR (kind = 'month' AND start = $3::date))`,
);

/** Writes a span's totals: `$1` site, `$2` kind, `$3` start, then the metrics. */
export const insertSpanSql = (
  table = 'stats_spans',
): string => `INSERT INTO ${table} (site_id, kind, start, visitors,
    visitors_sketch, pageviews, visits, bounces, visit_pageviews, duration, events)
  VALUES ($1, $2, $3::date, $4, $5, $6, $7, $8, $9, $10, $11)`;

/** Writes breakdown rows of a span: `$1` site, `$2` kind, `$3` start, `$4` dimension, arrays. */
export const insertSpanValuesSql = (
  table = 'stats_span_values',
): string => `INSERT INTO ${table} (site_id, kind, start, dimension,
    value, parent, visitors, visitors_sketch, pageviews, visits, bounces, visit_pageviews,
    duration, events)
  SELECT $1, $2, $3::date, $4, * FROM unnest($5::text[], $6::text[], $7::int[], $8::bytea[],
    $9::int[], $10::int[], $11::int[], $12::int[], $13::float8[], $14::int[])`;
