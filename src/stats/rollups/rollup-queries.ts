import type { DimensionFilter } from '../filters.js';
import type { Interval } from '../period.js';
import { HyperLogLog } from '../sketches/hyperloglog.js';
import { FIRST_DATA_DAY_SQL } from './rollup-sql.js';
import {
  familyOf,
  piecesOf,
  type RangePieces,
  SPAN_FAMILIES,
  spanEnd,
  type SpanFamily,
  spanOfKey,
} from './rollup-spans.js';
import type { QueryScope, StatsQueryBuilder } from '../stats-query.js';

/**
 * What the rollups answer: a scope of whole local days, with no filter or one filter on a visit
 * dimension (source, country, entry page…). Page, event and goal filters, combinations, and
 * spans of instants (realtime) read the raw tables. Returns the filter (or null), or undefined
 * when the rollups cannot answer.
 */
export function rollupFilter(scope: QueryScope): DimensionFilter | null | undefined {
  if (!scope.days) return undefined;
  if (scope.filters.length === 0) return null;
  const [filter] = scope.filters;
  if (scope.filters.length > 1 || filter.kind !== 'dimension') return undefined;
  return filter.dimension.level === 'visit' ? filter : undefined;
}

/** Aggregates of rollup rows' counts, and bounds of their distinct visitors. */
export const ROLLUP_COUNTS = `coalesce(sum(pageviews), 0)::int AS pageviews,
  coalesce(sum(visits), 0)::int AS visits, coalesce(sum(bounces), 0)::int AS bounces,
  coalesce(sum(visit_pageviews), 0)::int AS "visitPageviews",
  coalesce(sum(duration), 0)::float8 AS "durationSeconds", coalesce(sum(events), 0)::int AS events,
  coalesce(sum(visitors), 0)::int AS "visitorSum", coalesce(max(visitors), 0)::int AS "visitorMax",
  count(*) FILTER (WHERE visitors > 0)::int AS "sketchCount"`;

/**
 * The sketches of rollup rows with visitors, each after its length (4 bytes), as one base64
 * text: the driver reads `bytea` as hex text, twice the bytes, and decoding base64 is faster.
 */
const SKETCHES = `encode(string_agg(int4send(octet_length(visitors_sketch)) || visitors_sketch, ''::bytea)
    FILTER (WHERE visitors > 0), 'base64')`;
export const ROLLUP_SKETCHES = `${SKETCHES} AS sketches`;

/**
 * Aggregates of rollup rows: summed counts, and the sketches of every row with visitors, also of
 * one row alone: for `mergedSketchOf`. Reads that want the visitors only take
 * `ROLLUP_VISITOR_SUMS`.
 */
export const ROLLUP_SUMS = `${ROLLUP_COUNTS}, ${ROLLUP_SKETCHES}`;

/**
 * `ROLLUP_SUMS` for `visitorsOf` alone: the sketches only where two rows or more have visitors,
 * since one row's visitors are its exact count. A series by day then reads no sketch (each day
 * one row), where it read a day's sketch (up to 16 kB) for every point. Not for
 * `mergedSketchOf`, which needs the one sketch too.
 */
export const ROLLUP_VISITOR_SUMS = `${ROLLUP_COUNTS},
  CASE WHEN count(*) FILTER (WHERE visitors > 0) > 1 THEN ${SKETCHES} END AS sketches`;

/** A row of `ROLLUP_COUNTS`. */
export interface RollupCounts {
  pageviews: number;
  visits: number;
  bounces: number;
  visitPageviews: number;
  durationSeconds: number;
  events: number;
  /** The rows' visitors summed: at least the distinct visitors. */
  visitorSum: number;
  /** The most visitors of one row: at most the distinct visitors. */
  visitorMax: number;
  sketchCount: number;
}

/** A row of `ROLLUP_SUMS`. */
export interface RollupSums extends RollupCounts {
  /** See `ROLLUP_SKETCHES`. */
  sketches: string | null;
}

/**
 * The distinct visitors of rollup rows: exact when one row has any (a day, an hour, a value of
 * a day), else the estimate of their merged sketches, within what the rows' counts allow (at
 * least the most of one row, at most their sum).
 */
export function visitorsOf(
  row: Pick<RollupSums, 'visitorSum' | 'visitorMax' | 'sketchCount' | 'sketches'>,
): number {
  const sum = Number(row.visitorSum);
  if (row.sketchCount <= 1 || !row.sketches) return sum;
  const estimate = Math.round(HyperLogLog.merge(splitSketches(row.sketches)).estimate());
  return Math.min(sum, Math.max(Number(row.visitorMax), estimate));
}

/** The union of rollup rows' sketches, serialized (`empty` when none has a visitor). */
export function mergedSketchOf(row: Pick<RollupSums, 'sketches'>, empty: Buffer): Buffer {
  if (!row.sketches) return empty;
  const sketches = [...splitSketches(row.sketches)];
  if (sketches.length === 1) return Buffer.from(sketches[0]);
  return HyperLogLog.merge(sketches).serialize();
}

/** The sketches of `RollupSums.sketches`. */
function* splitSketches(encoded: string): Generator<Uint8Array> {
  const packed = Buffer.from(encoded, 'base64');
  for (let offset = 0; offset < packed.length;) {
    const length = packed.readInt32BE(offset);
    yield packed.subarray(offset + 4, offset + 4 + length);
    offset += 4 + length;
  }
}

/** The columns every rollup row is read with. */
export const ROLLUP_COLUMNS =
  'visitors, visitors_sketch, pageviews, visits, bounces, visit_pageviews, duration, events';

/**
 * How rollup rows are read: `spans`, the families of spans that may stand for their days (all
 * by default; a timeseries allows those of its buckets only, and none by day). Every row has a
 * `day` column: its day, or its span's first day.
 */
export interface RollupReadOptions {
  spans?: readonly SpanFamily[];
}

/**
 * The rollup rows of a scope: its totals without a filter, else the filter dimension's rows
 * whose value passes it. `$`-parameters go to `query`.
 */
export function rollupSource(
  query: StatsQueryBuilder,
  scope: QueryScope,
  filter: DimensionFilter | null,
  options: RollupReadOptions = {},
): string {
  if (filter) {
    return rollupValues(
      query,
      scope,
      filter.dimension.name,
      query.conditionOn(filter, 'value'),
      options,
    );
  }
  const pieces = spanPieces(scope, options.spans);
  if (!pieces)
    return `SELECT day, ${ROLLUP_COLUMNS} FROM stats_days WHERE ${dayRange(query, scope)}`;
  return unionOf(query, pieces, {
    days: `SELECT day, ${ROLLUP_COLUMNS} FROM stats_days WHERE site_id = ${query.site}`,
    spans: `SELECT start AS day, ${ROLLUP_COLUMNS} FROM stats_spans WHERE site_id = ${query.site}`,
  });
}

/**
 * The rollup rows of a dimension in a scope (with `value` and `parent`), those that pass `where`
 * when given.
 */
export function rollupValues(
  query: StatsQueryBuilder,
  scope: QueryScope,
  dimension: string,
  where?: string,
  options: RollupReadOptions = {},
): string {
  const condition = `dimension = ${query.param(dimension)}${where ? ` AND (${where})` : ''}`;
  const columns = `value, parent, ${ROLLUP_COLUMNS}`;
  const pieces = spanPieces(scope, options.spans);
  if (!pieces) {
    return `SELECT day, ${columns} FROM stats_day_values
      WHERE ${dayRange(query, scope)} AND ${condition}`;
  }
  return unionOf(query, pieces, {
    days: `SELECT day, ${columns} FROM stats_day_values
      WHERE site_id = ${query.site} AND ${condition}`,
    spans: `SELECT start AS day, ${columns} FROM stats_span_values
      WHERE site_id = ${query.site} AND ${condition}`,
  });
}

/**
 * Whether a scope's rollup rows hold one row per value (one day, or one span that covers it all):
 * each value's visitors are then exact, with no sketches to merge.
 */
export function readsOnePiece(scope: QueryScope): boolean {
  if (scope.days && scope.days.first === scope.days.last) return true;
  const pieces = spanPieces(scope);
  return pieces !== undefined && pieces.spans.length === 1 && pieces.days.length === 0;
}

/** The spans (of `families`) and days a scope is read from, or undefined when no span serves it. */
function spanPieces(
  scope: QueryScope,
  families: readonly SpanFamily[] = SPAN_FAMILIES,
): RangePieces | undefined {
  if (!scope.spans || scope.spans.size === 0 || families.length === 0) return undefined;
  const available = new Set(
    [...scope.spans].filter((key) => families.includes(familyOf(spanOfKey(key).kind))),
  );
  const pieces = piecesOf(scope.days!.first, scope.days!.last, available);
  return pieces.spans.length > 0 ? pieces : undefined;
}

/**
 * `days` rows of the pieces' days, and `spans` rows of their spans of each kind, united; and the
 * days of any of those spans that is gone by the time the statement runs (deleted with a day of
 * it that was recomputed since the spans were listed): one statement, one snapshot, so each
 * span is read either whole or as its days, never missed.
 */
function unionOf(
  query: StatsQueryBuilder,
  pieces: RangePieces,
  from: { days: string; spans: string },
): string {
  const parts: string[] = [];
  if (pieces.days.length > 0) {
    parts.push(`${from.days} AND day = ANY(${query.param(pieces.days)}::date[])`);
  }
  for (const kind of new Set(pieces.spans.map((span) => span.kind))) {
    const starts = pieces.spans.filter((span) => span.kind === kind).map((span) => span.start);
    parts.push(
      `${from.spans} AND kind = ${query.param(kind)} AND start = ANY(${query.param(starts)}::date[])`,
    );
  }
  for (const span of pieces.spans) {
    const start = query.param(span.start);
    parts.push(`${from.days} AND day >= ${start}::date AND day <= ${query.param(spanEnd(span))}::date
      AND NOT EXISTS (SELECT 1 FROM stats_spans x WHERE x.site_id = ${query.site}
                        AND x.kind = ${query.param(span.kind)} AND x.start = ${start}::date)`);
  }
  return parts.join(' UNION ALL ');
}

function dayRange(query: StatsQueryBuilder, scope: QueryScope): string {
  const days = scope.days!;
  return `site_id = ${query.site}
    AND day >= ${query.param(days.first)}::date AND day <= ${query.param(days.last)}::date`;
}

/** The spans that are whole buckets of a timeseries: a week span is a week bucket, and so on. */
const BUCKET_SPANS: Record<Interval, readonly SpanFamily[]> = {
  minute: [],
  hour: [],
  day: [],
  week: ['week'],
  month: ['month'],
};

/** The SQL of a timeseries from rollups: one row per bucket of `interval` (`day` and longer). */
export function rollupSeriesSql(
  query: StatsQueryBuilder,
  scope: QueryScope,
  filter: DimensionFilter | null,
  interval: Interval,
): string {
  const format = interval === 'hour' ? 'YYYY-MM-DD"T"HH24:MI' : 'YYYY-MM-DD';
  const rows =
    interval === 'hour'
      ? `SELECT hour AS bucket, * FROM stats_hours
          WHERE site_id = ${query.site}
            AND hour >= ${query.param(scope.days!.first)}::date::timestamp
            AND hour < (${query.param(scope.days!.last)}::date + 1)::timestamp`
      : `SELECT date_trunc('${interval}', day::timestamp) AS bucket, *
           FROM (${rollupSource(query, scope, filter, { spans: BUCKET_SPANS[interval] })}) r`;
  const events = interval === 'hour' ? ', 0 AS events' : '';
  return `WITH buckets AS (${query.buckets(interval)}),
      r AS (SELECT bucket, ${ROLLUP_VISITOR_SUMS} FROM (SELECT *${events} FROM (${rows}) x) y GROUP BY bucket)
    SELECT to_char(b.bucket, '${format}') AS date, r.*
      FROM buckets b LEFT JOIN r USING (bucket)
     ORDER BY b.bucket`;
}

/**
 * The instants of a period's local ranges, as PostgreSQL's timezone rules (the ones buckets
 * use) say, and whether the rollups hold every day of each range that can have data, in one
 * round trip. Parameters: `$1`–`$4` the local starts and ends (range, then comparison, null
 * without one), `$5` the timezone, `$6` the site, `$7`–`$10` the first and last local dates of
 * the range and the comparison, `$11` today's local date, `$12` whether to check the rollups
 * (null coverage otherwise), `$13` STATS_RAW_MAX_PAGEVIEWS: a range that includes today and
 * whose rollups hold at most that many page views counts as not covered, so that it is read
 * from the raw rows, today's latest included (0: never). `spans` lists the spans built in those
 * ranges (`week:2026-11-23`).
 */
export const BOUNDS_SQL = `
  WITH first AS MATERIALIZED (SELECT ${FIRST_DATA_DAY_SQL('$6', '$5')} AS day WHERE $12)
  SELECT $1::timestamp AT TIME ZONE $5 AS "from", $2::timestamp AT TIME ZONE $5 AS "to",
         $3::timestamp AT TIME ZONE $5 AS cfrom, $4::timestamp AT TIME ZONE $5 AS cto,
         ${covered('$7', '$8')} AS covered, ${covered('$9', '$10')} AS "comparisonCovered",
         CASE WHEN $12 THEN ARRAY(
           SELECT kind || ':' || to_char(start, 'YYYY-MM-DD') FROM stats_spans
            WHERE site_id = $6 AND start >= least($7::date, $9::date)
              AND start <= greatest($8::date, $10::date)) END AS spans`;

function covered(first: string, last: string): string {
  return `CASE WHEN $12 THEN NOT EXISTS (
    SELECT 1 FROM first, generate_series(greatest(${first}::date, first.day),
                                         least(${last}::date, $11::date), interval '1 day') AS d(day)
     WHERE NOT EXISTS (SELECT 1 FROM stats_days s WHERE s.site_id = $6 AND s.day = d.day::date))
    AND NOT coalesce($13::int > 0 AND $11::date BETWEEN ${first}::date AND ${last}::date
      AND (SELECT coalesce(sum(s.pageviews), 0) FROM stats_days s
            WHERE s.site_id = $6 AND s.day BETWEEN ${first}::date AND ${last}::date) <= $13::int,
      false) END`;
}
