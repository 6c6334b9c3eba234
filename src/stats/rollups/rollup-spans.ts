/**
 * Spans: the rollups of a run of days merged from its days' rollups (`stats_spans`,
 * `stats_span_values`). A period reads a span instead of its days where the span lies wholly
 * inside it, so that it reads a few rows per value instead of one per day: fewer rows to sum and,
 * above all, fewer visitor sketches to merge. Two families:
 * - calendar spans: every closed week (Monday to Sunday) and calendar month, so that any period
 *   of months or weeks reads about one row per month or week;
 * - runs (`d<N>`, the N days from `start`): the closed days of the periods a dashboard opens on
 *   (the last 7 and 30 days up to yesterday, the month so far, and the 7 and 30 days before them,
 *   their comparison), and the 11 and 5 whole months before this one, rebuilt as those periods
 *   move on (see `RUNS_SQL`); and the live runs of the last 30 and 7 days and the month so far,
 *   today included, merged from those runs and today's rollup each time today is recomputed (see
 *   `LIVE_RUNS_SQL`): the last 30 days read one row per value, 12 months two.
 * A span is only ever the merge of its days' current rollups: recomputing one of its days
 * deletes it in the same transaction, and the rollup job builds it again once its days have
 * settled.
 */

import { shiftDate } from '../period.js';
import { FIRST_DATA_DAY_SQL } from './rollup-sql.js';

/** The calendar kinds of span. */
export const CALENDAR_KINDS = ['week', 'month'] as const;
export type CalendarKind = (typeof CALENDAR_KINDS)[number];
/** A run of N days from its start. */
export type RunKind = `d${number}`;
export type SpanKind = CalendarKind | RunKind;
/** What a read may take spans of: calendar kinds, and `run` for every run. */
export type SpanFamily = CalendarKind | 'run';
export const SPAN_FAMILIES: readonly SpanFamily[] = ['week', 'month', 'run'];

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

/** The span of a key that `spanKey` gave. */
export function spanOfKey(key: string): Span {
  const [kind, start] = key.split(':');
  return { kind: kind as SpanKind, start };
}

/** Whether `kind` is a run's (`d<N>`). */
export function isRun(kind: string): kind is RunKind {
  return /^d[1-9][0-9]*$/.test(kind);
}

/** The family of a kind of span. */
export function familyOf(kind: SpanKind): SpanFamily {
  return isRun(kind) ? 'run' : kind;
}

/** The calendar span of `kind` that holds `day`. */
export function spanOf(kind: CalendarKind, day: string): Span {
  if (kind === 'month') return { kind, start: `${day.slice(0, 8)}01` };
  // Monday is 1 in getUTCDay; Sunday (0) belongs to the week that began six days before.
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return { kind, start: shiftDate(day, -((weekday + 6) % 7)) };
}

/** The last local date of a span. */
export function spanEnd(span: Span): string {
  if (isRun(span.kind)) return shiftDate(span.start, Number(span.kind.slice(1)) - 1);
  if (span.kind === 'week') return shiftDate(span.start, 6);
  const [year, month] = span.start.split('-').map(Number);
  // Day 0 of the next month (months count from 0 in Date.UTC) is this month's last.
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}

/**
 * Splits `[first, last]` into available spans that lie wholly inside it and the days left over:
 * from each day on, the longest available span that starts there and ends by `last` (a run or a
 * month before a week), else the day itself.
 */
export function piecesOf(first: string, last: string, available: ReadonlySet<string>): RangePieces {
  const startingOn = new Map<string, { span: Span; end: string }[]>();
  for (const key of available) {
    const span = spanOfKey(key);
    if (span.start < first || span.start > last) continue;
    const end = spanEnd(span);
    if (end > last) continue;
    const list = startingOn.get(span.start) ?? [];
    list.push({ span, end });
    startingOn.set(span.start, list);
  }
  const pieces: RangePieces = { spans: [], days: [] };
  for (let day = first; day <= last;) {
    const longest = (startingOn.get(day) ?? []).reduce<{ span: Span; end: string } | undefined>(
      (best, candidate) => (!best || candidate.end > best.end ? candidate : best),
      undefined,
    );
    if (longest) {
      pieces.spans.push(longest.span);
      day = shiftDate(longest.end, 1);
    } else {
      pieces.days.push(day);
      day = shiftDate(day, 1);
    }
  }
  return pieces;
}

/**
 * The runs a site should have (`kind`, `start`, `last`), given `today` and `settled`, SQL
 * expressions of its local date and of its last settled one: the closed days of the last 30 and
 * 7 days and of the month so far, the 30 and 7 days before those (their comparison periods), and
 * the 11 and 5 whole months before this one (12 and 6 months are those and this month so far),
 * each of at least 3 days and settled (and built only where it holds 3 days of data).
 */
const RUNS_SQL = (today: string, settled: string): string => `
  SELECT DISTINCT 'd' || (last - start + 1) AS kind, start, last
    FROM (VALUES (${today}::date - 29, ${settled}::date), (${today}::date - 6, ${settled}::date),
                 (date_trunc('month', ${today}::date)::date, ${settled}::date),
                 (${today}::date - 59, ${today}::date - 30), (${today}::date - 13, ${today}::date - 7),
                 ((date_trunc('month', ${today}::date) - interval '11 months')::date,
                  date_trunc('month', ${today}::date)::date - 1),
                 ((date_trunc('month', ${today}::date) - interval '5 months')::date,
                  date_trunc('month', ${today}::date)::date - 1)
         ) AS r(start, last)
   WHERE last <= ${settled}::date AND last - start >= 2`;

/**
 * The live runs a site should have, given `today` (an SQL expression of its local date): the last
 * 30 and 7 days and the month so far, today included (`kind`, `start`, `last`), each merged from
 * its closed run (`closed`: the same days up to yesterday, see `RUNS_SQL`) and today's rollup.
 * Recomputing today replaces them in the same transaction, so the periods a dashboard opens on
 * read one row per value.
 */
const LIVE_RUNS_SQL = (today: string): string => `
  SELECT DISTINCT 'd' || (${today}::date - start + 1) AS kind, start, ${today}::date AS last,
         'd' || (${today}::date - start) AS closed
    FROM (VALUES (${today}::date - 29), (${today}::date - 6),
                 (date_trunc('month', ${today}::date)::date)) AS r(start)
   WHERE ${today}::date - start >= 3`;

/**
 * The spans of a site (`$1`, timezone `$3`) that can be built: closed by `$2` (the last settled
 * local date), every day of theirs from the site's first data on rolled up, and not built yet:
 * its closed weeks and months, and its runs for `$5` (its local date today, see `RUNS_SQL`);
 * then its live runs whose closed run is built (see `LIVE_RUNS_SQL`). Runs first, then the
 * newest first, at most `$4`.
 */
export const SPANS_TO_BUILD_SQL = `
  WITH first AS (SELECT ${FIRST_DATA_DAY_SQL('$1', '$3')} AS day),
  days AS (SELECT day FROM stats_days WHERE site_id = $1 AND day <= $2::date),
  calendar AS (
    SELECT 'week' AS kind, date_trunc('week', day::timestamp)::date AS start, count(*) AS n
      FROM days GROUP BY 2
    UNION ALL
    SELECT 'month', date_trunc('month', day::timestamp)::date, count(*) FROM days GROUP BY 2),
  ends AS (
    SELECT kind, start, n,
           CASE kind WHEN 'week' THEN start + 6 ELSE (start + interval '1 month')::date - 1 END AS last
      FROM calendar
    UNION ALL
    SELECT kind, start,
           (SELECT count(*) FROM days, first f
             WHERE days.day >= greatest(r.start, f.day) AND days.day <= r.last),
           last
      FROM (${RUNS_SQL('$5', '$2')}) r),
  buildable AS (
    SELECT kind, start, 1 AS pass FROM ends, first
     WHERE last <= $2::date AND n > 0 AND n = last - greatest(start, first.day) + 1
       -- A run stands for at least 3 days of data, or it saves nothing worth a row.
       AND (kind NOT LIKE 'd%' OR n >= 3)
    UNION ALL
    SELECT kind, start, 2 FROM (${LIVE_RUNS_SQL('$5')}) l
     WHERE EXISTS (SELECT 1 FROM stats_spans c
                    WHERE c.site_id = $1 AND c.kind = l.closed AND c.start = l.start)
       AND EXISTS (SELECT 1 FROM stats_days d WHERE d.site_id = $1 AND d.day = $5::date))
  SELECT kind, to_char(start, 'YYYY-MM-DD') AS start FROM buildable b
   WHERE NOT EXISTS (SELECT 1 FROM stats_spans x
                      WHERE x.site_id = $1 AND x.kind = b.kind AND x.start = b.start)
   ORDER BY pass, kind LIKE 'd%' DESC, b.start DESC, kind
   LIMIT $4`;

/** The runs of a site (`$1`) that it should no longer have (`$2` today, `$3` settled). */
const STALE_RUNS = `FROM stats_spans WHERE site_id = $1 AND kind LIKE 'd%'
     AND (kind, start) NOT IN (SELECT kind, start FROM (${RUNS_SQL('$2', '$3')}) r
                               UNION ALL SELECT kind, start FROM (${LIVE_RUNS_SQL('$2')}) l)`;

/** Whether a site (`$1`) has runs it should no longer have (`$2` today, `$3` settled). */
export const HAS_STALE_RUNS_SQL = `SELECT EXISTS (SELECT 1 ${STALE_RUNS}) AS stale`;

/**
 * Removes the runs of a site (`$1`) that it should no longer have (see `RUNS_SQL` and
 * `LIVE_RUNS_SQL`: `$2` its local date today, `$3` its last settled one), answering their `kind`
 * and `start`.
 */
export const DELETE_STALE_RUNS_SQL = `DELETE ${STALE_RUNS}
  RETURNING kind, to_char(start, 'YYYY-MM-DD') AS start`;

/** The closed run a live run is merged from: the same days but its last (see `LIVE_RUNS_SQL`). */
export function closedRunOf(span: Span): Span | undefined {
  if (!isRun(span.kind)) return undefined;
  const days = Number(span.kind.slice(1));
  return days > 1 ? { kind: `d${days - 1}`, start: span.start } : undefined;
}

/**
 * Removes the spans of a site (`$1`) that hold a day (`$2`, `$3` its week's start, `$4` its
 * month's), answering their `kind` and `start` (their values go with `DELETE_SPAN_VALUES_SQL`).
 */
export const DELETE_SPANS_OF_DAY_SQL = `
  DELETE FROM stats_spans WHERE site_id = $1
     AND ((kind = 'week' AND start = $3::date) OR (kind = 'month' AND start = $4::date)
          OR (kind LIKE 'd%' AND start <= $2::date AND start + substr(kind, 2)::int > $2::date))
  RETURNING kind, to_char(start, 'YYYY-MM-DD') AS start`;

/** Removes a span's breakdown rows: `$1` site, `$2` its dimensions, `$3` kind, `$4` start. */
export const DELETE_SPAN_VALUES_SQL = `
  DELETE FROM stats_span_values
   WHERE site_id = $1 AND dimension = ANY($2::text[]) AND kind = $3 AND start = $4::date`;

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
