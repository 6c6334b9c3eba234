import { FIXED_DIMENSIONS } from '../dimensions.js';
import { sketchesSql } from '../sketches/hyperloglog-sql.js';

/**
 * The SQL that recomputes one local day of a site's rollups from the raw tables. Every statement
 * takes the same parameters: `$1` the site, `$2` the local date, `$3` the site's timezone, `$4`
 * an empty sketch (for groups without a visitor). The day's instants are `[from, to)`.
 */
const FROM = `($2::date::timestamp AT TIME ZONE $3)`;
const TO = `(($2::date + 1)::timestamp AT TIME ZONE $3)`;

/** The dimensions kept per day and value: every fixed one (`prop.<key>` is read raw). */
export const ROLLUP_DIMENSIONS = FIXED_DIMENSIONS.map((dimension) => dimension.name);

const VISIT_DIMENSIONS = FIXED_DIMENSIONS.filter((d) => d.level === 'visit');
const PAGE_DIMENSIONS = FIXED_DIMENSIONS.filter((d) => d.level === 'page');
const EVENT_DIMENSIONS = FIXED_DIMENSIONS.filter((d) => d.level === 'event');

const sqlOf = (name: string): string => FIXED_DIMENSIONS.find((d) => d.name === name)!.sql;

/** One row per dimension of `dimensions`: its name, value, and its parent's value (or null). */
const lateral = (dimensions: typeof FIXED_DIMENSIONS): string =>
  `CROSS JOIN LATERAL (VALUES ${dimensions
    .map((d) => `('${d.name}', ${d.sql}, ${d.parent ? sqlOf(d.parent) : 'NULL::text'})`)
    .join(', ')}) AS d(dimension, value, parent)`;

/** The day's page views with their visit (`p`, `s`). */
const HITS = `page_views p JOIN sessions s ON s.id = p.session_id
  WHERE p.site_id = $1 AND p.created_at >= ${FROM} AND p.created_at < ${TO}`;
/** The visits that started that day (`s`). */
const VISITS = `sessions s WHERE s.site_id = $1 AND s.started_at >= ${FROM} AND s.started_at < ${TO}`;
/** The day's custom events (`e`). */
const EVENTS = `events e WHERE e.site_id = $1 AND e.created_at >= ${FROM} AND e.created_at < ${TO}`;

const VISIT_SUMS = `count(*)::int AS visits,
  count(*) FILTER (WHERE s.page_view_count <= 1)::int AS bounces,
  coalesce(sum(s.page_view_count), 0)::int AS visit_pageviews,
  coalesce(sum(extract(epoch FROM s.last_activity_at - s.started_at)), 0)::float8 AS duration`;

const visitorsSketch = (source: string, groupBy: string[]): string =>
  sketchesSql({ source: `(${source})`, groupBy });

/**
 * The day's totals into `stats_days` (or `table`, for `stats check`); `$5` is the time the
 * recomputation started, by the server's clock (the one page views are stamped with).
 */
export function dayTotalsSql(table = 'stats_days'): string {
  return `INSERT INTO ${table} (site_id, day, visitors, visitors_sketch, pageviews, visits, bounces,
      visit_pageviews, duration, events, computed_at)
    SELECT $1, $2::date, h.visitors, coalesce(k.sketch, $4), h.pageviews, v.visits, v.bounces,
           v.visit_pageviews, v.duration, ev.events, $5::timestamptz
      FROM (SELECT count(DISTINCT p.visitor_id)::int AS visitors, count(*)::int AS pageviews
              FROM ${HITS}) h,
           (SELECT ${VISIT_SUMS} FROM ${VISITS}) v,
           (SELECT count(*)::int AS events FROM ${EVENTS}) ev
      LEFT JOIN (${visitorsSketch(`SELECT 1 AS k, p.visitor_id FROM ${HITS}`, ['k'])}) k ON true`;
}

/** The day's hours into `stats_hours`: every local hour with a page view or a visit start. */
export function hourTotalsSql(table = 'stats_hours'): string {
  const hour = (column: string) => `date_trunc('hour', ${column} AT TIME ZONE $3)`;
  return `INSERT INTO ${table} (site_id, hour, visitors, visitors_sketch, pageviews, visits, bounces,
      visit_pageviews, duration)
    SELECT $1, u.hour, sum(u.visitors)::int, coalesce((array_agg(u.sketch) FILTER (WHERE u.sketch IS NOT NULL))[1], $4),
           sum(u.pageviews)::int, sum(u.visits)::int, sum(u.bounces)::int,
           sum(u.visit_pageviews)::int, sum(u.duration)::float8
      FROM (
        SELECT ${hour('p.created_at')} AS hour, count(DISTINCT p.visitor_id) AS visitors,
               count(*) AS pageviews, 0 AS visits, 0 AS bounces, 0 AS visit_pageviews,
               0::float8 AS duration, NULL::bytea AS sketch
          FROM ${HITS} GROUP BY 1
        UNION ALL
        SELECT ${hour('s.started_at')}, 0, 0, ${VISIT_SUMS}, NULL FROM ${VISITS} GROUP BY 1
        UNION ALL
        SELECT hour, 0, 0, 0, 0, 0, 0, sketch
          FROM (${visitorsSketch(`SELECT ${hour('p.created_at')} AS hour, p.visitor_id FROM ${HITS}`, ['hour'])}) k
      ) u
     GROUP BY u.hour`;
}

/**
 * The day's breakdown rows into `stats_day_values`, one per dimension and value:
 * - visit dimensions: visitors and page views of the day's page views (by the value of their
 *   visit), visits, bounces, page views and duration of the visits that started that day;
 * - page dimensions: visitors, page views and visits (distinct) of the day's page views;
 * - `event`: visitors and custom events of the day's events.
 */
export function dayValuesSql(table = 'stats_day_values'): string {
  // The visit dimensions of a page view are its visit's: they are read once per visit of the
  // day (with its number of page views that day), not once per page view.
  return `INSERT INTO ${table} (site_id, day, dimension, value, parent, visitors, visitors_sketch,
      pageviews, visits, bounces, visit_pageviews, duration, events)
    WITH day_hits AS MATERIALIZED (
           SELECT p.session_id, p.visitor_id, p.path, p.hostname FROM page_views p
            WHERE p.site_id = $1 AND p.created_at >= ${FROM} AND p.created_at < ${TO}),
         day_visits AS MATERIALIZED (
           SELECT session_id, visitor_id, count(*) AS hits FROM day_hits GROUP BY 1, 2),
         visit_pairs AS MATERIALIZED (
           SELECT d.dimension, d.value, d.parent, v.visitor_id, v.hits
             FROM day_visits v JOIN sessions s ON s.id = v.session_id ${lateral(VISIT_DIMENSIONS)}),
         page_pairs AS MATERIALIZED (
           SELECT d.dimension, d.value, d.parent, p.visitor_id, p.session_id
             FROM day_hits p ${lateral(PAGE_DIMENSIONS)}),
         event_pairs AS MATERIALIZED (
           SELECT d.dimension, d.value, d.parent, e.visitor_id
             FROM ${EVENTS.replace(' WHERE', ` ${lateral(EVENT_DIMENSIONS)} WHERE`)}),
         visitor_pairs AS MATERIALIZED (
           SELECT dimension, value, parent, visitor_id FROM visit_pairs
           UNION SELECT dimension, value, parent, visitor_id FROM page_pairs
           UNION SELECT dimension, value, parent, visitor_id FROM event_pairs)
    SELECT $1, $2::date, u.dimension, u.value, u.parent, sum(u.visitors)::int,
           coalesce((array_agg(u.sketch) FILTER (WHERE u.sketch IS NOT NULL))[1], $4),
           sum(u.pageviews)::int, sum(u.visits)::int, sum(u.bounces)::int,
           sum(u.visit_pageviews)::int, sum(u.duration)::float8, sum(u.events)::int
      FROM (
        SELECT dimension, value, parent, count(*) AS visitors, 0 AS pageviews, 0 AS visits,
               0 AS bounces, 0 AS visit_pageviews, 0::float8 AS duration, 0 AS events,
               NULL::bytea AS sketch
          FROM visitor_pairs GROUP BY dimension, value, parent
        UNION ALL
        SELECT dimension, value, parent, 0, sum(hits), 0, 0, 0, 0, 0, NULL
          FROM visit_pairs GROUP BY dimension, value, parent
        UNION ALL
        SELECT dimension, value, parent, 0, count(*), count(DISTINCT session_id), 0, 0, 0, 0, NULL
          FROM page_pairs GROUP BY dimension, value, parent
        UNION ALL
        SELECT dimension, value, parent, 0, 0, 0, 0, 0, 0, count(*), NULL
          FROM event_pairs GROUP BY dimension, value, parent
        UNION ALL
        SELECT d.dimension, d.value, d.parent, 0, 0, ${VISIT_SUMS}, 0, NULL
          FROM ${VISITS.replace(' WHERE', ` ${lateral(VISIT_DIMENSIONS)} WHERE`)}
         GROUP BY d.dimension, d.value, d.parent
        UNION ALL
        SELECT dimension, value, parent, 0, 0, 0, 0, 0, 0, 0, sketch
          FROM (${visitorsSketch('SELECT dimension, value, parent, visitor_id FROM visitor_pairs', [
            'dimension',
            'value',
            'parent',
          ])}) k
      ) u
     GROUP BY u.dimension, u.value, u.parent`;
}

/**
 * The local date (in `timezone`) of a site's first data: its first rollup day (whose raw rows
 * retention may have deleted), page view or custom event. Both arguments are SQL (`$1`).
 */
export const FIRST_DATA_DAY_SQL = (site: string, timezone: string): string =>
  `least((SELECT min(day) FROM stats_days WHERE site_id = ${site}),
         ((SELECT min(created_at) FROM page_views WHERE site_id = ${site}) AT TIME ZONE ${timezone})::date,
         ((SELECT min(created_at) FROM events WHERE site_id = ${site}) AT TIME ZONE ${timezone})::date)`;

/** Removes the day columns of one day (`$1` site, `$2` date). */
export const DELETE_DAY_COLUMNS = `DELETE FROM stats_day_columns WHERE site_id = $1 AND day = $2::date`;

/** Removes the rollups of one day (`$1` site, `$2` date). */
export const DELETE_DAY = [
  `DELETE FROM stats_day_values WHERE site_id = $1 AND dimension = ANY($3::text[]) AND day = $2::date`,
  `DELETE FROM stats_hours WHERE site_id = $1 AND hour >= $2::date::timestamp AND hour < ($2::date + 1)::timestamp`,
  `DELETE FROM stats_days WHERE site_id = $1 AND day = $2::date`,
  DELETE_DAY_COLUMNS,
] as const;

/**
 * The rollup lock of a site (`$1`): held while a day is recomputed and while the site's rollups
 * are dropped, so a recomputation never writes a day in a timezone the site no longer has.
 */
const LOCK_KEY = `73912, hashtext($1::text)`;
export const SITE_LOCK = `SELECT pg_advisory_lock(${LOCK_KEY})`;
export const SITE_UNLOCK = `SELECT pg_advisory_unlock(${LOCK_KEY})`;
export const SITE_XACT_LOCK = `SELECT pg_advisory_xact_lock(${LOCK_KEY})`;

/** Drops every rollup of a site (`$1`), in a transaction holding `SITE_XACT_LOCK`. */
export const FORGET_SITE = [
  `DELETE FROM stats_span_values WHERE site_id = $1`,
  `DELETE FROM stats_spans WHERE site_id = $1`,
  `DELETE FROM stats_day_values WHERE site_id = $1`,
  `DELETE FROM stats_day_columns WHERE site_id = $1`,
  `DELETE FROM stats_hours WHERE site_id = $1`,
  `DELETE FROM stats_days WHERE site_id = $1`,
] as const;
