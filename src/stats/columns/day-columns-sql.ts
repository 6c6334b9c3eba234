import { FIXED_DIMENSIONS } from '../dimensions.js';
import { PAGE_COLUMNS, VISIT_COLUMNS } from './day-columns.js';

/**
 * The rows of a day's columns (see `day-columns.ts`). Parameters: `$1` the site, `$2` the local
 * date, `$3` the site's timezone. The day's instants are `[from, to)`.
 */
const FROM = `($2::date::timestamp AT TIME ZONE $3)`;
const TO = `(($2::date + 1)::timestamp AT TIME ZONE $3)`;

const sqlOf = (name: string): string => FIXED_DIMENSIONS.find((d) => d.name === name)!.sql;

/**
 * The visits with a page view or a custom event that day or that started that day, sorted by id: id, visitor
 * (the top 52 bits of the sketches' hash, exact as a float8), started that day, page views that
 * day, page views in all, duration in seconds, then each of `VISIT_COLUMNS`.
 */
export const DAY_VISITS_SQL = `
  WITH hits AS (
    SELECT p.session_id, count(*)::int AS hits FROM page_views p
     WHERE p.site_id = $1 AND p.created_at >= ${FROM} AND p.created_at < ${TO}
     GROUP BY p.session_id),
  ids AS (
    SELECT session_id AS id FROM hits
    UNION
    SELECT e.session_id FROM events e
     WHERE e.site_id = $1 AND e.created_at >= ${FROM} AND e.created_at < ${TO}
    UNION
    SELECT s.id FROM sessions s WHERE s.site_id = $1 AND s.started_at >= ${FROM} AND s.started_at < ${TO})
  SELECT s.id, (hashtextextended(s.visitor_id::text, 0) >> 12)::float8 AS visitor,
         (s.started_at >= ${FROM} AND s.started_at < ${TO}) AS started,
         coalesce(h.hits, 0) AS hits, s.page_view_count,
         extract(epoch FROM s.last_activity_at - s.started_at)::float8 AS duration,
         ${VISIT_COLUMNS.map((name) => `${sqlOf(name)} AS "${name}"`).join(', ')}
    FROM ids JOIN sessions s ON s.id = ids.id LEFT JOIN hits h ON h.session_id = s.id
   ORDER BY s.id`;

/** The page views of the day, sorted by visit: its visit's id, then each of `PAGE_COLUMNS`. */
export const DAY_PAGE_VIEWS_SQL = `
  SELECT p.session_id, ${PAGE_COLUMNS.map((name) => `${sqlOf(name)} AS "${name}"`).join(', ')}
    FROM page_views p
   WHERE p.site_id = $1 AND p.created_at >= ${FROM} AND p.created_at < ${TO}
   ORDER BY p.session_id, p.created_at, p.id`;

/**
 * The page views after the day of the visits that started that day, sorted by visit: as
 * `DAY_PAGE_VIEWS_SQL`.
 */
export const LATER_PAGE_VIEWS_SQL = `
  SELECT p.session_id, ${PAGE_COLUMNS.map((name) => `${sqlOf(name)} AS "${name}"`).join(', ')}
    FROM sessions s JOIN page_views p ON p.session_id = s.id
   WHERE s.site_id = $1 AND s.started_at >= ${FROM} AND s.started_at < ${TO} AND p.created_at >= ${TO}
   ORDER BY p.session_id, p.created_at, p.id`;

/**
 * The custom events of the day, sorted by visit: its visit's id, its name, then each of
 * `PAGE_COLUMNS` of its page.
 */
export const DAY_EVENTS_SQL = `
  SELECT e.session_id, e.name, ${PAGE_COLUMNS.map((name) => `${sqlOf(name).replace(/\bp\./g, 'e.')} AS "${name}"`).join(', ')}
    FROM events e
   WHERE e.site_id = $1 AND e.created_at >= ${FROM} AND e.created_at < ${TO}
   ORDER BY e.session_id, e.created_at, e.id`;
